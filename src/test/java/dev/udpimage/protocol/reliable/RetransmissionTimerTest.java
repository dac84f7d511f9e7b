package dev.udpimage.protocol.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The retransmission timer on numbers alone: RFC 6298's estimate, its clamps, the backoff
 * and what ends it.
 */
class RetransmissionTimerTest {

    private static final long MS = 1_000_000;

    @Test
    void beforeAnySampleTheGivenTimeoutHoldsClamped() {
        assertThat(new RetransmissionTimer(Duration.ofMillis(100)).rto()).isEqualTo(100 * MS);
        assertThat(new RetransmissionTimer(Duration.ofNanos(1)).rto()).isEqualTo(RetransmissionTimer.MIN_GAP_INTERVAL);
        assertThat(new RetransmissionTimer(Duration.ofSeconds(10)).rto()).isEqualTo(RetransmissionTimer.MAX_RTO);
        RetransmissionTimer timer = new RetransmissionTimer(Duration.ofMillis(30));
        timer.progress();
        assertThat(timer.rto()).as("no estimate yet: progress keeps the given timeout").isEqualTo(30 * MS);
        assertThat(timer.gapInterval()).isEqualTo(RetransmissionTimer.MIN_GAP_INTERVAL);
        assertThat(timer.smoothedRtt()).isZero();
    }

    @Test
    void theFirstSampleSetsSrttAndHalfOfItAsVariation() {
        RetransmissionTimer timer = new RetransmissionTimer(Duration.ofMillis(100));
        timer.sample(40 * MS);
        // SRTT 40, RTTVAR 20: RTO = 40 + 4 * 20
        assertThat(timer.rto()).isEqualTo(120 * MS);
        assertThat(timer.smoothedRtt()).isEqualTo(Duration.ofMillis(40));
        assertThat(timer.gapInterval()).isEqualTo(80 * MS);
    }

    @Test
    void laterSamplesAreSmoothed() {
        RetransmissionTimer timer = new RetransmissionTimer(Duration.ofMillis(100));
        timer.sample(40 * MS);
        timer.sample(80 * MS);
        // RTTVAR = 0.75 * 20 + 0.25 * |40 - 80| = 25; SRTT = 0.875 * 40 + 0.125 * 80 = 45
        assertThat(timer.smoothedRtt()).isEqualTo(Duration.ofMillis(45));
        assertThat(timer.rto()).isEqualTo(145 * MS);
    }

    @Test
    void theTimeoutStaysWithinItsBounds() {
        RetransmissionTimer fast = new RetransmissionTimer(Duration.ofMillis(100));
        fast.sample(100_000);
        assertThat(fast.rto()).as("a loopback round trip").isEqualTo(RetransmissionTimer.MIN_RTO);
        assertThat(fast.gapInterval()).isEqualTo(RetransmissionTimer.MIN_GAP_INTERVAL);
        RetransmissionTimer slow = new RetransmissionTimer(Duration.ofMillis(100));
        slow.sample(300 * MS);
        assertThat(slow.rto()).isEqualTo(RetransmissionTimer.MAX_RTO);
    }

    @Test
    void eachExpiryDoublesTheTimeoutUntilProgress() {
        RetransmissionTimer timer = new RetransmissionTimer(Duration.ofMillis(100));
        timer.sample(20 * MS);
        assertThat(timer.rto()).isEqualTo(60 * MS);
        timer.backOff();
        assertThat(timer.rto()).isEqualTo(120 * MS);
        timer.backOff();
        timer.backOff();
        timer.backOff();
        assertThat(timer.rto()).isEqualTo(RetransmissionTimer.MAX_RTO);
        timer.progress();
        assertThat(timer.rto()).as("progress without a fresh sample (Karn)").isEqualTo(60 * MS);
    }

}
