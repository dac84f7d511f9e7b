package dev.udpimage.api.security;

import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which role each request needs, in one place: the security filter chain enforces these
 * rules and the OpenAPI document states them per operation. The first rule that matches
 * decides; a request no rule matches needs {@link Role#ADMIN}.
 */
final class AccessRules {

    /**
     * @param method null for any
     * @param role null for anyone, signed in or not
     */
    record Rule(HttpMethod method, String pattern, Role role) {

        boolean matches(HttpMethod requestMethod, String path) {
            return (this.method == null || this.method.equals(requestMethod))
                    && PARSER.parse(this.pattern).matches(PathContainer.parsePath(path));
        }

    }

    private static final PathPatternParser PARSER = new PathPatternParser();

    static final List<Rule> RULES = List.of(new Rule(null, "/actuator/health", null),
            new Rule(null, "/actuator/health/**", null),
            // metrics, build and JVM details
            new Rule(null, "/actuator/**", Role.ADMIN),
            // what every port received and dropped: operational, like the metrics
            new Rule(null, "/received/stats", Role.ADMIN), new Rule(HttpMethod.POST, "/send/**", Role.OPERATOR),
            new Rule(HttpMethod.GET, "/**", Role.VIEWER), new Rule(HttpMethod.HEAD, "/**", Role.VIEWER));

    private AccessRules() {
    }

    /** The role a request needs: null for none. */
    static Role roleFor(HttpMethod method, String path) {
        for (Rule rule : RULES) {
            if (rule.matches(method, path)) {
                return rule.role();
            }
        }
        return Role.ADMIN;
    }

    /** For OpenAPI paths with templates ({@code /events/{id}}). */
    static PathPattern pattern(String pattern) {
        return PARSER.parse(pattern);
    }

}
