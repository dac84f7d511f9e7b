package dev.udpimage.api.security;

import dev.udpimage.api.ProblemResponses;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses state-changing requests ({@code POST /send/*}) that a browser sends on behalf
 * of another site, so that neither a page elsewhere nor the browser's saved Basic
 * credentials can make this service send (cross-site request forgery). A browser says
 * where a request comes from in {@code Sec-Fetch-Site}, or in {@code Origin}; requests
 * with neither (curl, the Python clients, other services) are not from a browser and
 * pass. The viewer's own form is same-origin. This is the check of Go's
 * {@code http.CrossOriginProtection}, with no token for a client to carry.
 */
final class CrossOriginCheck extends OncePerRequestFilter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final ProblemResponses problems;

    CrossOriginCheck(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SAFE_METHODS.contains(request.getMethod()) || sameOrigin(request)) {
            chain.doFilter(request, response);
            return;
        }
        this.problems.write(request, response, HttpStatus.FORBIDDEN, "Cross-origin request refused",
                "a browser sent this " + request.getMethod() + " for another site (Sec-Fetch-Site or Origin); "
                        + "use the viewer on this service's own address, or a client that is not a browser");
    }

    static boolean sameOrigin(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return site.equals("same-origin") || site.equals("none");
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeader("Host");
        return host != null
                && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }

}
