package dev.udpimage.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The pace on a clock of the test's own: a park moves it on by what was asked.
 */
class PacerTest {

    /** 1 MB/s: a 1024-byte datagram every 1 024 000 ns. */
    private static final double NANOS_PER_BYTE = 1000.0;

    private long now = 1_000_000_000L;

    private long parked;

    private final Pacer pacer = new Pacer(NANOS_PER_BYTE, 2048, () -> this.now, nanos -> {
        this.now += nanos;
        this.parked += nanos;
    });

    @Test
    void theFirstBurstGoesAtOnceThenTheRate() {
        long start = this.now;
        for (int i = 0; i < 3; i++) { // 2 KB ahead, and the third datagram's own
            this.pacer.beforeSending(1024);
        }
        assertThat(this.parked).isZero();
        for (int i = 0; i < 97; i++) {
            this.pacer.beforeSending(1024);
        }
        // 100 datagrams: the last may go when 99 - 2 of them are due
        assertThat(this.now - start).isEqualTo(97 * 1024 * 1000L);
    }

    @Test
    void aSenderHeldUpGoesOnAtTheRateWithoutARushToCatchUp() {
        for (int i = 0; i < 10; i++) {
            this.pacer.beforeSending(1024);
        }
        this.now += 50_000_000; // held up 50 ms, as long as 50 datagrams take at the rate
        long parkedBefore = this.parked;
        int atOnce = 0;
        while (this.parked == parkedBefore) {
            this.pacer.beforeSending(1024);
            atOnce++;
        }
        // three at once (2 KB ahead and the third's own, with 1 ms of the time lost
        // made up), and the fourth waits: not the 50 that the time lost would allow
        assertThat(atOnce).isEqualTo(4);
    }

    @Test
    void aParkThatWakesLateIsMadeUpFor() {
        // 100 MB/s: a 2 KB burst is 20 us, less than a park may oversleep
        Pacer fast = new Pacer(10, 2048, () -> this.now, nanos -> this.now += nanos + 50_000);
        long start = this.now;
        for (int i = 0; i < 10_000; i++) {
            fast.beforeSending(1024);
        }
        // the last goes when 9 999 datagrams less 2 KB are due, at most one park's
        // lateness later
        long lastDue = (9_999 * 1024 - 2048) * 10L;
        assertThat(this.now - start).isBetween(lastDue, lastDue + 50_000);
    }

    @Test
    void unpacedNeverWaits() {
        Pacer unpaced = new Pacer(0, 2048, () -> this.now, nanos -> this.parked += nanos);
        for (int i = 0; i < 1000; i++) {
            unpaced.beforeSending(1024);
        }
        assertThat(this.parked).isZero();
    }

}
