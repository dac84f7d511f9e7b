package dev.udpimage.protocol;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Spaces a sender's datagrams to a byte rate: it may run ahead of the rate by at most
 * {@code burstBytes}, then parks ({@link LockSupport#parkNanos}) until the schedule
 * catches up. Sleeping once a burst, not once a datagram, keeps the pace precise where a
 * sleep takes tens of microseconds, and burns no core while waiting. A park that wakes
 * late is made up for, but a sender held up longer (descheduled, a pause) makes up at
 * most {@link #CATCH_UP_NANOS} of the time lost: a rush to make up all of it is what a
 * receiver's socket buffer cannot take. One per transfer.
 */
final class Pacer {

    /**
     * The most of its schedule a late sender makes up at once: more than a park wakes
     * late, a few datagrams at the default rate.
     */
    static final long CATCH_UP_NANOS = 1_000_000;

    private final double nanosPerByte;

    private final long burstNanos;

    private final LongSupplier clock;

    private final LongConsumer park;

    /** When the bytes passed so far are due at the rate. */
    private long due;

    Pacer(double nanosPerByte, long burstBytes, LongSupplier clock, LongConsumer park) {
        this.nanosPerByte = nanosPerByte;
        this.burstNanos = (long) (burstBytes * nanosPerByte);
        this.clock = clock;
        this.park = park;
        this.due = clock.getAsLong();
    }

    static Pacer start(LegacySender.Pacing pacing) {
        return new Pacer(pacing.paced() ? 1000.0 / pacing.megabytesPerSecond() : 0, pacing.burstBytes(),
                System::nanoTime, LockSupport::parkNanos);
    }

    /** Waits, if need be, until {@code length} more bytes may go. */
    void beforeSending(int length) {
        if (this.nanosPerByte <= 0) {
            return;
        }
        long now = this.clock.getAsLong();
        // far behind the rate: the schedule goes on from a moment ago, the rest is lost
        this.due = Math.max(this.due, now - CATCH_UP_NANOS);
        long earliest = this.due - this.burstNanos;
        for (long wait = earliest - now; wait > 0; wait = earliest - this.clock.getAsLong()) {
            this.park.accept(wait);
        }
        this.due += (long) (length * this.nanosPerByte);
    }

}
