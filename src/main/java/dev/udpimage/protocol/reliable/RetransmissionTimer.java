package dev.udpimage.protocol.reliable;

import java.time.Duration;

/**
 * The sender's estimate of the round trip and what it implies (RFC 6298): the smoothed
 * round trip (SRTT) and its variation (RTTVAR) from samples, the retransmission timeout
 * {@code RTO = SRTT + 4 RTTVAR} clamped to [{@link #MIN_RTO}, {@link #MAX_RTO}], doubled
 * on each expiry until progress, and how long a resent gap may take. Time is in
 * nanoseconds; the timer reads no clock, so it is tested on numbers alone.
 */
final class RetransmissionTimer {

    /** RFC 6298 says 1 s; for the LAN and loopback peers of this service, 100 ms. */
    static final Duration INITIAL_RTO = Duration.ofMillis(100);

    static final long MIN_RTO = Duration.ofMillis(50).toNanos();

    static final long MAX_RTO = Duration.ofMillis(500).toNanos();

    /**
     * The shortest gap interval, and the shortest first timeout a sender may be given.
     */
    static final long MIN_GAP_INTERVAL = Duration.ofMillis(2).toNanos();

    private double srtt = -1;

    private double rttvar;

    private long rto;

    /**
     * @param initialRto the timeout before the first sample, clamped to
     * [{@link #MIN_GAP_INTERVAL}, {@link #MAX_RTO}]
     */
    RetransmissionTimer(Duration initialRto) {
        this.rto = Math.min(MAX_RTO, Math.max(MIN_GAP_INTERVAL, initialRto.toNanos()));
    }

    /** A round trip measured on a datagram sent once (Karn: never on a resent one). */
    void sample(long rttNanos) {
        if (this.srtt < 0) {
            this.srtt = rttNanos;
            this.rttvar = rttNanos / 2.0;
        }
        else {
            this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttNanos);
            this.srtt = 0.875 * this.srtt + 0.125 * rttNanos;
        }
        this.rto = fromEstimate();
    }

    /** The timer expired: the timeout doubles, at most {@link #MAX_RTO}. */
    void backOff() {
        this.rto = Math.min(MAX_RTO, this.rto * 2);
    }

    /** Progress ends a backoff, even without a fresh sample. */
    void progress() {
        this.rto = fromEstimate();
    }

    long rto() {
        return this.rto;
    }

    /**
     * Twice the smoothed round trip, at least {@link #MIN_GAP_INTERVAL}: how long a
     * resent gap may take to be acknowledged.
     */
    long gapInterval() {
        return Math.max(MIN_GAP_INTERVAL, (long) (2 * Math.max(this.srtt, 0)));
    }

    /** The smoothed round trip; zero before the first sample. */
    Duration smoothedRtt() {
        return Duration.ofNanos((long) Math.max(0, this.srtt));
    }

    private long fromEstimate() {
        return (this.srtt < 0) ? this.rto : Math.min(MAX_RTO, Math.max(MIN_RTO, (long) (this.srtt + 4 * this.rttvar)));
    }

}
