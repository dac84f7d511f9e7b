package dev.udpimage.api.security;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.udpimage.limit.PerKey;

/**
 * Refused sign-ins per source address: after {@code maxFailures} refused credentials
 * within {@code lockout} of each other, the source is locked out for {@code lockout}
 * (every request answered 429 with {@code Retry-After}, the right credentials too, so
 * that guessing stops there). A sign-in that succeeds forgets nothing: a user who knows
 * one password cannot reset the count while guessing another. At most {@code maxSources}
 * sources are remembered, the least recently refused forgotten first ({@link PerKey}):
 * many addresses cost bounded memory. Thread-safe.
 */
final class SignInThrottle {

    private static final class Failures {

        private int count;

        private long lastNanos;

        private long lockedUntilNanos;

    }

    private final int maxFailures;

    private final long lockoutNanos;

    private final PerKey<String, Failures> sources;

    SignInThrottle(SecurityProperties.SignIn settings, MeterRegistry registry) {
        this.maxFailures = settings.maxFailures();
        this.lockoutNanos = settings.lockout().toNanos();
        this.sources = new PerKey<>(settings.maxSources(), source -> new Failures());
        Gauge.builder("udp.security.sign-in.sources", this, SignInThrottle::size)
            .description("Sources with refused sign-ins remembered (at most udp.security.sign-in.max-sources)")
            .register(registry);
    }

    /**
     * How long the source is still locked out; {@link Duration#ZERO} if it is not.
     */
    synchronized Duration lockedOut(String source, long nowNanos) {
        Failures failures = this.sources.find(source);
        if (failures == null || failures.lockedUntilNanos - nowNanos <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(failures.lockedUntilNanos - nowNanos);
    }

    /**
     * Counts a refused sign-in.
     * @return whether it locked the source out
     */
    synchronized boolean failed(String source, long nowNanos) {
        Failures failures = this.sources.get(source);
        if (failures.count > 0 && nowNanos - failures.lastNanos > this.lockoutNanos) {
            failures.count = 0; // long enough ago: forgotten
        }
        failures.lastNanos = nowNanos;
        if (++failures.count >= this.maxFailures) {
            failures.count = 0;
            failures.lockedUntilNanos = nowNanos + this.lockoutNanos;
            return true;
        }
        return false;
    }

    synchronized int size() {
        return this.sources.size();
    }

}
