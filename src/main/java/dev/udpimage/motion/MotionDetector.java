package dev.udpimage.motion;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One camera's motion detection: its frames in, its events' {@link Transition}s out.
 *
 * <p>
 * Each frame is compared with a background the detector learns from the frames (see
 * {@link MotionAnalyser} and {@link BackgroundModel}); consecutive frames with motion
 * start an event, and a time without motion ends it ({@link EventTracker}). Settings are
 * fixed for a detector's life: to change them, {@link #close} this one and start a new
 * one (which learns the background again, in about a second).
 *
 * <p>
 * Not thread-safe: one camera's frames and ticks must come from one caller at a time (one
 * thread, or calls that happen-before one another). Its memory is bounded by the frame
 * size: a few arrays of the working frame's pixels, at most
 * {@value Shrink#MAX_WIDTH}x{@value Shrink#MAX_HEIGHT}.
 */
public final class MotionDetector {

    private final MotionSettings settings;

    private final MotionAnalyser analyser;

    private final EventTracker events;

    private FrameAnalysis last;

    public MotionDetector(MotionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.analyser = new MotionAnalyser(settings);
        this.events = new EventTracker(settings.minFrames(), settings.postCapture());
    }

    /**
     * Takes a frame.
     * @param frame the camera's frame, small (typically 80x60 to 240x135; larger frames
     * are shrunk first); a frame of another size than the previous one restarts the
     * background
     * @param micros the frame's time, microseconds since the epoch, later than the
     * previous frame's
     * @return what happened to the camera's event: usually nothing, at most an
     * {@link Transition.End} followed by a {@link Transition.New}; empty when the
     * settings are disabled
     */
    public List<Transition> accept(LumaImage frame, long micros) {
        if (!this.settings.enabled()) {
            return List.of();
        }
        this.last = this.analyser.analyse(frame, micros);
        return this.events.accept(this.last, micros);
    }

    /**
     * Lets time pass without a frame: ends the open event if its last moving frame is
     * {@link MotionSettings#postCapture()} or more before {@code nowMicros}. Call it now
     * and then (every second, say) so that an event ends when the camera goes silent.
     * @param nowMicros the time now, microseconds since the epoch, on the frames' clock
     * @return the {@link Transition.End}, or nothing
     */
    public List<Transition> tick(long nowMicros) {
        return this.events.tick(nowMicros);
    }

    /**
     * Ends the open event at once (its end is its last moving frame): for a camera that
     * is removed, or settings that change.
     * @return the {@link Transition.End}, or nothing if no event was open
     */
    public List<Transition> close() {
        return this.events.close();
    }

    /** The open event as it stands, if one is open. */
    public Optional<MotionEvent> openEvent() {
        return this.events.current();
    }

    /** The last frame's analysis: null before the first frame, or when disabled. */
    public FrameAnalysis lastFrame() {
        return this.last;
    }

    /** The settings this detector was made with. */
    public MotionSettings settings() {
        return this.settings;
    }

}
