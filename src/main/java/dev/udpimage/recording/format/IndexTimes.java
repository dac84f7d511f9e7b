package dev.udpimage.recording.format;

import java.time.Instant;

/**
 * The rule every listed frame time follows: per camera, index times strictly increase. A
 * frame's index time is its received time in epoch microseconds, but at least one
 * microsecond after the camera's previous frame: frames saved concurrently (several store
 * workers), in the same microsecond, or across a clock step back get times of their own,
 * in the order they were appended. So a time names one frame, "from just after the last
 * one listed" ({@link #after}) pages without skipping or repeating a frame, and a frame's
 * time never changes once listed.
 */
public final class IndexTimes {

    /** The previous time of a camera with no frame yet. */
    public static final long NONE = Long.MIN_VALUE;

    private IndexTimes() {
    }

    /**
     * The index time of a frame received at {@code receivedMicros} after a frame indexed
     * at {@code previous} ({@link #NONE} for the first).
     */
    public static long next(long previous, long receivedMicros) {
        return previous == NONE ? receivedMicros : Math.max(receivedMicros, previous + 1);
    }

    /** Where the page after a frame listed at {@code time} starts. */
    public static Instant after(Instant time) {
        return time.plusNanos(1000);
    }

    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    public static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    public static Instant instantOfNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

}
