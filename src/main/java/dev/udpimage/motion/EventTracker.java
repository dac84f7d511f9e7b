package dev.udpimage.motion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One camera's events, from its frames' analyses. Times are the frames' timestamps, in
 * microseconds since the epoch.
 *
 * <ul>
 * <li>An event starts when {@code minFrames} consecutive frames move: its start is the
 * first of them, and {@link Transition.New} comes with the last of them. A frame without
 * motion breaks the run, and so does a moving frame {@code postCapture} or more after the
 * run's last one.</li>
 * <li>While it is open it keeps its peak (the first frame with the highest score) and the
 * zones it touched. {@link Transition.Update} comes at once when the zones grow (at most
 * once per zone), and when the peak has grown to {@value #PEAK_GROWTH} times the last
 * reported peak and {@value #UPDATE_SECONDS} s have passed since the last report: a
 * rising score reports as it rises, not with every frame.</li>
 * <li>It ends once {@code postCapture} has passed without a moving frame, seen by a later
 * frame or by {@link #tick}: its end is its last moving frame. A frame that comes after
 * that time ends the event before it counts, so it may start the next one.</li>
 * </ul>
 *
 * <p>
 * Not thread-safe.
 */
final class EventTracker {

    static final double PEAK_GROWTH = 1.5;

    static final double UPDATE_SECONDS = 1;

    private final int minFrames;

    private final long postCapture;

    /** Consecutive moving frames so far, the open event's included. */
    private int run;

    private boolean open;

    private long start;

    private long lastMoving;

    private long peakMicros;

    private double peakScore;

    private Box peakBox;

    private final List<String> zones = new ArrayList<>();

    private double reportedPeak;

    private int reportedZones;

    /** When the last New or Update was reported. */
    private long lastUpdate;

    EventTracker(int minFrames, Duration postCapture) {
        this.minFrames = minFrames;
        this.postCapture = postCapture.toNanos() / 1000;
    }

    /** Takes the analysis of the frame of time {@code micros}. */
    List<Transition> accept(FrameAnalysis frame, long micros) {
        Transition ended = endIfQuiet(micros);
        if (this.run > 0 && micros - this.lastMoving >= this.postCapture) {
            this.run = 0;
        }
        Transition next = null;
        if (frame.moving()) {
            if (this.run == 0) {
                begin(micros);
            }
            this.run++;
            this.lastMoving = micros;
            add(frame, micros);
            if (!this.open && this.run >= this.minFrames) {
                this.open = true;
                this.lastUpdate = micros;
                next = new Transition.New(report());
            }
        }
        else if (!this.open) {
            this.run = 0;
        }
        if (next == null && this.open && needsUpdate(micros)) {
            this.lastUpdate = micros;
            next = new Transition.Update(report());
        }
        if (ended == null) {
            return (next == null) ? List.of() : List.of(next);
        }
        return (next == null) ? List.of(ended) : List.of(ended, next);
    }

    /**
     * Ends the open event if {@code postCapture} has passed since its last moving frame
     * at {@code nowMicros}: for a camera whose frames stopped coming.
     */
    List<Transition> tick(long nowMicros) {
        Transition ended = endIfQuiet(nowMicros);
        if (this.run > 0 && !this.open && nowMicros - this.lastMoving >= this.postCapture) {
            this.run = 0;
        }
        return (ended == null) ? List.of() : List.of(ended);
    }

    /** Ends the open event now, whatever the time: the camera or its settings go away. */
    List<Transition> close() {
        this.run = 0;
        if (!this.open) {
            return List.of();
        }
        this.open = false;
        return List.of(new Transition.End(snapshot(this.lastMoving)));
    }

    /** The open event as it stands. */
    Optional<MotionEvent> current() {
        return this.open ? Optional.of(snapshot(null)) : Optional.empty();
    }

    private Transition endIfQuiet(long micros) {
        if (!this.open || micros - this.lastMoving < this.postCapture) {
            return null;
        }
        this.open = false;
        this.run = 0;
        return new Transition.End(snapshot(this.lastMoving));
    }

    private void begin(long micros) {
        this.start = micros;
        this.peakScore = -1;
        this.peakBox = null;
        this.zones.clear();
    }

    private void add(FrameAnalysis frame, long micros) {
        if (frame.score() > this.peakScore) {
            this.peakScore = frame.score();
            this.peakMicros = micros;
            this.peakBox = frame.box();
        }
        for (String zone : frame.zones()) {
            if (!this.zones.contains(zone)) {
                this.zones.add(zone);
            }
        }
    }

    private boolean needsUpdate(long micros) {
        if (this.zones.size() > this.reportedZones) {
            return true;
        }
        return this.peakScore >= PEAK_GROWTH * this.reportedPeak
                && micros - this.lastUpdate >= UPDATE_SECONDS * 1_000_000;
    }

    private MotionEvent report() {
        this.reportedPeak = this.peakScore;
        this.reportedZones = this.zones.size();
        return snapshot(null);
    }

    private MotionEvent snapshot(Long end) {
        return new MotionEvent(this.start, end, this.peakMicros, this.peakScore, this.peakBox, this.zones);
    }

}
