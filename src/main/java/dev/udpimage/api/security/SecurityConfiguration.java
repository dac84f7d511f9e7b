package dev.udpimage.api.security;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import dev.udpimage.api.ProblemResponses;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may use the HTTP API and the viewer. Like Redis's protected mode: with no
 * credentials configured, only requests from this machine itself ({@link LocalRequests}),
 * as an admin. With {@code udp.security.*} set, everyone presents a user's credentials
 * (HTTP Basic, or a bearer token) and may do what its {@link Role} allows
 * ({@link AccessRules}), on the cameras it may see ({@link CameraScope}); refused
 * sign-ins lock their source out for a while ({@link SignInThrottle}).
 * {@code /actuator/health} is open for probes. State-changing requests from another
 * site's page are refused ({@link CrossOriginCheck}); the pages get a
 * Content-Security-Policy and the usual security headers. Stateless: no session, no
 * cookie.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** The pages' policy: everything from this service, nothing inline, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final String REALM = "udp-image-service";

    @Bean
    Users users(SecurityProperties security) {
        return new Users(security);
    }

    @Bean
    Refusals refusals(MeterRegistry registry) {
        return new Refusals(registry);
    }

    @Bean
    SignInThrottle signInThrottle(SecurityProperties security, MeterRegistry registry) {
        return new SignInThrottle(security.signIn(), registry);
    }

    /** An admin may do what an operator may, who may do what a viewer may. */
    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
            .role(Role.ADMIN.name())
            .implies(Role.OPERATOR.name())
            .role(Role.OPERATOR.name())
            .implies(Role.VIEWER.name())
            .build();
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, SecurityProperties security, JsonMapper json,
            AuthenticationManager authenticationManager, Users users, Refusals refusals, SignInThrottle throttle)
            throws Exception {
        ProblemResponses problems = new ProblemResponses(json);
        // CrossOriginCheck instead: no token for clients to carry
        http.csrf(csrf -> csrf.disable())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .requestCache(cache -> cache.disable())
            .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                .frameOptions(frame -> frame.deny()))
            .addFilterBefore(new CrossOriginCheck(problems), BasicAuthenticationFilter.class)
            .addFilterAfter(new AuditLog(), AnonymousAuthenticationFilter.class);
        if (!security.configured()) {
            log.info("No credentials configured (udp.security.*): the HTTP API and the viewer answer only "
                    + "requests from this machine (protected mode)");
            AuthenticationEntryPoint notLocal = (request, response, ex) -> {
                refusals.refused(Refusals.Reason.NOT_LOCAL, request, null);
                problems.write(request, response, HttpStatus.FORBIDDEN, "Protected mode",
                        "with no credentials configured this service answers only requests from its own machine "
                                + "(loopback); set udp.security.username and udp.security.password (or "
                                + "udp.security.token, or udp.security.users.*), e.g. UDP_SECURITY_USERNAME and "
                                + "UDP_SECURITY_PASSWORD in the environment, to answer others who present them");
            };
            http.addFilterBefore(new LocalUserFilter(), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .access((authentication,
                            context) -> new AuthorizationDecision(LocalRequests.isLocal(context.getRequest()))))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(notLocal)
                    .accessDeniedHandler((request, response, ex) -> notLocal.commence(request, response, null)));
            return http.build();
        }
        log.info("{} credentials configured (udp.security.*): every request presents one, health probes aside",
                users.size());
        AuthenticationEntryPoint unauthorized = (request, response, ex) -> {
            if (ex instanceof BadCredentialsException && request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
                refusals.refused(Refusals.Reason.CREDENTIALS, request, null);
                throttle.failed(request.getRemoteAddr(), System.nanoTime());
            }
            else {
                refusals.refused(Refusals.Reason.UNAUTHENTICATED, request, null);
            }
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            problems.write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized",
                    "present a user's credentials (udp.security.*): HTTP Basic, or Authorization: Bearer <token>");
        };
        AccessDeniedHandler forbidden = (request, response, ex) -> {
            ServiceUser user = CameraScope.user();
            Role needed = AccessRules.roleFor(HttpMethod.valueOf(request.getMethod()), request.getRequestURI());
            refusals.refused(Refusals.Reason.ROLE, request, user == null ? null : user.toString());
            problems.write(request, response, HttpStatus.FORBIDDEN, "Forbidden",
                    (user == null ? "this user" : user.name() + " (" + user.role().id() + ")") + " may not "
                            + request.getMethod() + " " + request.getRequestURI() + "; that needs the role "
                            + (needed == null ? "none" : needed.id()));
        };
        http.authenticationManager(authenticationManager)
            .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(unauthorized))
            .exceptionHandling(
                    exceptions -> exceptions.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
            .authorizeHttpRequests(SecurityConfiguration::rules)
            .addFilterBefore(new SignInGate(throttle, refusals, problems), BasicAuthenticationFilter.class)
            .addFilterBefore(new BearerTokenFilter(users, unauthorized), BasicAuthenticationFilter.class);
        return http.build();
    }

    private static void rules(
            AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests) {
        for (AccessRules.Rule rule : AccessRules.RULES) {
            var matched = rule.method() == null ? requests.requestMatchers(rule.pattern())
                    : requests.requestMatchers(rule.method(), rule.pattern());
            if (rule.role() == null) {
                matched.permitAll();
            }
            else {
                matched.hasRole(rule.role().name());
            }
        }
        requests.anyRequest().hasRole(Role.ADMIN.name());
    }

    /**
     * A user's name and password, or any name and a user's token as the password (for the
     * browser's prompt); in protected mode, nobody (and Spring Boot makes no user of its
     * own).
     */
    @Bean
    AuthenticationManager authenticationManager(SecurityProperties security, Users users) {
        if (!security.configured()) {
            return authentication -> {
                throw new BadCredentialsException("no credentials are configured (udp.security.*)");
            };
        }
        return authentication -> {
            String name = authentication.getName();
            Object credentials = authentication.getCredentials();
            String presented = credentials == null ? null : credentials.toString();
            ServiceUser user = users.byPassword(name, presented)
                .or(() -> users.byToken(presented))
                .orElseThrow(() -> new BadCredentialsException("wrong user name or password"));
            return UsernamePasswordAuthenticationToken.authenticated(user, null, List.copyOf(user.authorities()));
        };
    }

}
