package dev.udpimage.api.security;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.limit.RateLimitedLog;

/**
 * Every refused request, counted by reason ({@code udp.security.refused{reason}}) and
 * logged (at most a few lines a second: a guessing client must not flood the log). A
 * request without credentials where they are needed is counted, not logged: a browser
 * asks that way before it shows its prompt.
 */
final class Refusals {

    enum Reason {

        /** A password or token nobody has. */
        CREDENTIALS("credentials"),
        /** From a source locked out after refused sign-ins. */
        LOCKED_OUT("locked-out"),
        /** A role below what the request needs. */
        ROLE("role"),
        /** Protected mode: not from this machine. */
        NOT_LOCAL("not-local"),
        /** No credentials presented. */
        UNAUTHENTICATED("unauthenticated");

        final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

    }

    private static final Logger log = LoggerFactory.getLogger("dev.udpimage.audit");

    private final RateLimitedLog limited = new RateLimitedLog(log, 5);

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    Refusals(MeterRegistry registry) {
        for (Reason reason : Reason.values()) {
            this.counters.put(reason,
                    Counter.builder("udp.security.refused")
                        .description("HTTP requests refused by the security rules, by reason")
                        .tag("reason", reason.tag)
                        .register(registry));
        }
    }

    void refused(Reason reason, HttpServletRequest request, String who) {
        this.counters.get(reason).increment();
        if (reason != Reason.UNAUTHENTICATED) {
            this.limited.warn("refused ({}): {} {} from {}{}", reason.tag, request.getMethod(), request.getRequestURI(),
                    request.getRemoteAddr(), who == null ? "" : " as " + who);
        }
    }

}
