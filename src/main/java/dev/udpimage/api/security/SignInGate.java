package dev.udpimage.api.security;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.udpimage.api.ProblemResponses;

/**
 * A source locked out by {@link SignInThrottle} gets 429 with {@code Retry-After} for
 * every request (the health probes aside), before its credentials are looked at.
 */
final class SignInGate extends OncePerRequestFilter {

    private final SignInThrottle throttle;

    private final Refusals refusals;

    private final ProblemResponses problems;

    SignInGate(SignInThrottle throttle, Refusals refusals, ProblemResponses problems) {
        this.throttle = throttle;
        this.refusals = refusals;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return AccessRules.roleFor(org.springframework.http.HttpMethod.valueOf(request.getMethod()),
                request.getRequestURI()) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Duration left = this.throttle.lockedOut(request.getRemoteAddr(), System.nanoTime());
        if (left.isZero()) {
            chain.doFilter(request, response);
            return;
        }
        this.refusals.refused(Refusals.Reason.LOCKED_OUT, request, null);
        long seconds = Math.max(1, (left.toMillis() + 999) / 1000);
        response.setHeader("Retry-After", String.valueOf(seconds));
        this.problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "Too many refused sign-ins",
                "this address presented wrong credentials too often (udp.security.sign-in.max-failures); "
                        + "try again in " + seconds + " s");
    }

}
