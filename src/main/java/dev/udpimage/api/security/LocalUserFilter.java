package dev.udpimage.api.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In protected mode, a request from this machine ({@link LocalRequests}) is the user
 * {@code local}, an admin of every camera: it may do what the admin of the single
 * credentials may, including reading the details of {@code /actuator/health}, which
 * strangers don't see.
 */
final class LocalUserFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (LocalRequests.isLocal(request)) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(ServiceUser.LOCAL, null,
                    ServiceUser.LOCAL.authorities()));
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }

}
