package dev.udpimage.motion;

import java.util.List;

/**
 * An event as it stood at one moment: an immutable snapshot. Times are microseconds since
 * the epoch, the frames' timestamps.
 *
 * @param startMicros the time of the event's first frame with motion
 * @param endMicros the time of its last frame with motion once it has ended; null while
 * it is open
 * @param peakMicros the time of the frame with the highest {@link FrameAnalysis#score()}
 * so far (the first such frame)
 * @param peakScore that frame's score
 * @param peakBox that frame's box
 * @param zones the zones that any of the event's frames touched, in the order they were
 * first touched
 */
public record MotionEvent(long startMicros, Long endMicros, long peakMicros, double peakScore, Box peakBox,
        List<String> zones) {

    public MotionEvent {
        zones = List.copyOf(zones);
    }

    /** Whether the event has ended. */
    public boolean ended() {
        return this.endMicros != null;
    }

}
