package dev.udpimage.protocol;

import java.util.concurrent.locks.LockSupport;

/**
 * Spaces a sender's datagrams to a byte rate: it may run ahead of the rate by at most
 * {@code burstBytes}, then parks ({@link LockSupport#parkNanos}) until the schedule
 * catches up. Sleeping once a burst, not once a datagram, keeps the pace precise where a
 * sleep takes tens of microseconds, and burns no core while waiting. One per transfer.
 */
final class Pacer {

    private final double nanosPerByte;

    private final long burstBytes;

    private final long started;

    private long bytes;

    private Pacer(double nanosPerByte, long burstBytes) {
        this.nanosPerByte = nanosPerByte;
        this.burstBytes = burstBytes;
        this.started = System.nanoTime();
    }

    static Pacer start(LegacySender.Pacing pacing) {
        return new Pacer(pacing.paced() ? 1000.0 / pacing.megabytesPerSecond() : 0, pacing.burstBytes());
    }

    /** Waits, if need be, until {@code length} more bytes may go. */
    void beforeSending(int length) {
        if (this.nanosPerByte > 0) {
            long earliest = this.started + (long) ((this.bytes - this.burstBytes) * this.nanosPerByte);
            for (long wait = earliest - System.nanoTime(); wait > 0; wait = earliest - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
        }
        this.bytes += length;
    }

}
