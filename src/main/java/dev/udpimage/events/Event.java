package dev.udpimage.events;

import java.time.Instant;
import java.util.List;

import dev.udpimage.motion.Box;

/**
 * A motion event, as the API lists it and notifications carry it.
 *
 * @param id the event's id, increasing as events are opened
 * @param camera the camera it happened on ({@code udp.streams.key})
 * @param start the time of its first frame with motion
 * @param end the time of its last frame with motion once it has ended; null while it
 * lasts
 * @param zones the named zones its motion touched, in the order they were first touched
 * @param score its peak score: the fraction of the frame that moved at the peak
 * @param peakAt the time of the peak frame, whose bytes are the snapshot
 * @param box where the motion was at the peak, relative to the frame (0..1, origin top
 * left)
 */
public record Event(long id, String camera, Instant start, Instant end, List<String> zones, double score,
        Instant peakAt, Box box) {

    public Event {
        zones = List.copyOf(zones);
    }

    /** Whether it has ended. */
    public boolean ended() {
        return this.end != null;
    }

}
