package dev.udpimage.api.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>} with {@code udp.security.token}: the request is
 * authenticated as {@code token}; a wrong token is a 401. Compared in constant time.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";

    private final byte[] token;

    private final AuthenticationEntryPoint unauthorized;

    BearerTokenFilter(String token, AuthenticationEntryPoint unauthorized) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.unauthorized = unauthorized;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            chain.doFilter(request, response);
            return;
        }
        if (!matches(header.substring(PREFIX.length()).strip(), this.token)) {
            SecurityContextHolder.clearContext();
            this.unauthorized.commence(request, response, new BadCredentialsException("wrong bearer token"));
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated("token", null,
                List.of(new SimpleGrantedAuthority("ROLE_API")));
        SecurityContextHolder.getContext().setAuthentication(authentication);
        chain.doFilter(request, response);
    }

    static boolean matches(String presented, byte[] token) {
        return token.length > 0 && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token);
    }

}
