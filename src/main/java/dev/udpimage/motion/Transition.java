package dev.udpimage.motion;

/**
 * A change of a camera's event, with the event as it stands after it. The caller assigns
 * ids: a {@link New} starts an event, every later {@link Update} and the {@link End} are
 * about that event, until the next {@code New}.
 */
public sealed interface Transition {

    /** The event after the change. */
    MotionEvent event();

    /** An event started: its start, first peak and zones. */
    record New(MotionEvent event) implements Transition {
    }

    /** An open event touched a new zone, or reached a much higher peak. */
    record Update(MotionEvent event) implements Transition {
    }

    /** An event ended: {@link MotionEvent#endMicros()} is its last frame with motion. */
    record End(MotionEvent event) implements Transition {
    }

}
