package dev.udpimage.api.security;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In protected mode, a request from this machine ({@link LocalRequests}) is the user
 * {@code local}: it may do what a user with credentials may, including reading the
 * details of {@code /actuator/health} ({@code show-details=when-authorized}), which
 * strangers don't see.
 */
final class LocalUserFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (LocalRequests.isLocal(request)) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("local", null,
                    List.of(new SimpleGrantedAuthority("ROLE_API"))));
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }

}
