package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final SignInThrottle throttle = new SignInThrottle(
            new SecurityProperties.SignIn(3, Duration.ofSeconds(10), 16), this.registry);

    @Test
    void theThirdRefusalLocksTheSourceOutForTheLockout() {
        long now = 1_000 * SECOND;
        assertThat(this.throttle.failed("10.0.0.1", now)).isFalse();
        assertThat(this.throttle.failed("10.0.0.1", now + SECOND)).isFalse();
        assertThat(this.throttle.lockedOut("10.0.0.1", now + SECOND)).isZero();
        assertThat(this.throttle.failed("10.0.0.1", now + 2 * SECOND)).isTrue();
        assertThat(this.throttle.lockedOut("10.0.0.1", now + 3 * SECOND)).isEqualTo(Duration.ofSeconds(9));
        assertThat(this.throttle.lockedOut("10.0.0.2", now + 3 * SECOND)).as("another source").isZero();
        assertThat(this.throttle.lockedOut("10.0.0.1", now + 12 * SECOND)).as("after the lockout").isZero();
        // the count started again: three more to be locked out again
        assertThat(this.throttle.failed("10.0.0.1", now + 13 * SECOND)).isFalse();
        assertThat(this.throttle.failed("10.0.0.1", now + 14 * SECOND)).isFalse();
        assertThat(this.throttle.failed("10.0.0.1", now + 15 * SECOND)).isTrue();
    }

    @Test
    void refusalsFurtherApartThanTheLockoutAreForgotten() {
        long now = 5 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertThat(this.throttle.failed("10.0.0.1", now + i * 11 * SECOND)).as("refusal " + i).isFalse();
        }
        assertThat(this.throttle.failed("10.0.0.1", now + 100 * SECOND)).isFalse();
        assertThat(this.throttle.failed("10.0.0.1", now + 101 * SECOND)).isTrue();
    }

    @Test
    void manySourcesAreBoundedAndTheGaugeSaysHowMany() {
        for (int i = 0; i < 1000; i++) {
            this.throttle.failed("10.0." + (i / 256) + "." + (i % 256), i);
        }
        assertThat(this.throttle.size()).isEqualTo(16);
        assertThat(this.registry.get("udp.security.sign-in.sources").gauge().value()).isEqualTo(16);
        assertThat(this.throttle.lockedOut("10.0.0.0", 1000)).as("forgotten, not locked out").isZero();
    }

}
