package dev.udpimage.api.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpMethod;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The audit trail: every request that sends or changes something, and every request only
 * an admin may make, logged once answered on the logger {@code dev.udpimage.audit} with
 * the user's name, role, source address, method, path and status (as key-value pairs in
 * the JSON logs). Prometheus's scrapes of {@code /actuator/prometheus} are left out: one
 * every few seconds says nothing.
 */
final class AuditLog extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger("dev.udpimage.audit");

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().equals("/actuator/prometheus");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        }
        finally {
            HttpMethod method = HttpMethod.valueOf(request.getMethod());
            boolean changes = !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD);
            ServiceUser user = CameraScope.user();
            if (user != null && (changes || AccessRules.roleFor(method, request.getRequestURI()) == Role.ADMIN)) {
                String query = request.getQueryString();
                String path = request.getRequestURI() + (query == null ? "" : "?" + query);
                log.atInfo()
                    .addKeyValue("user", user.name())
                    .addKeyValue("role", user.role().id())
                    .addKeyValue("source", request.getRemoteAddr())
                    .addKeyValue("method", request.getMethod())
                    .addKeyValue("path", path)
                    .addKeyValue("status", response.getStatus())
                    .log("audit: {} ({}) {} {} from {}: {}", user.name(), user.role().id(), request.getMethod(), path,
                            request.getRemoteAddr(), response.getStatus());
            }
        }
    }

}
