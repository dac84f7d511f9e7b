package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a {@link SyntheticScene} through a {@link MotionDetector} at a steady frame rate
 * and reads the events back from the transitions, checking that they come in order (a
 * New, Updates, an End). Times are seconds since the scene's start.
 */
final class Scenario {

    /** 2026-01-01T00:00:00Z in microseconds: frames carry epoch times. */
    static final long EPOCH = 1_767_225_600_000_000L;

    /** A transition and the scene time of the call that returned it. */
    record Seen(Transition transition, double at) {
    }

    /**
     * An event read from its transitions.
     *
     * @param start its start
     * @param end its end, NaN if still open
     * @param endSeen when its End came, NaN if none
     * @param zones its zones at the End (or the last transition)
     * @param updates its Update transitions
     */
    record Event(double start, double end, double endSeen, double peakScore, List<String> zones, List<Seen> updates) {
    }

    private final String name;

    private final MotionDetector detector;

    private final List<Seen> seen = new ArrayList<>();

    private double now;

    Scenario(String name, MotionSettings settings) {
        this.name = name;
        this.detector = new MotionDetector(settings);
    }

    static double seconds(long micros) {
        return (micros - EPOCH) / 1e6;
    }

    static long micros(double seconds) {
        return EPOCH + Math.round(seconds * 1e6);
    }

    /**
     * Frames of {@code scene} from {@code from} (inclusive) to {@code to} (exclusive)
     * seconds.
     */
    Scenario play(SyntheticScene scene, double from, double to, double fps) {
        long first = Math.round(Math.ceil(from * fps - 1e-9));
        for (long k = first; k / fps < to - 1e-9; k++) {
            double t = k / fps;
            this.now = t;
            record(this.detector.accept(scene.frame(t), micros(t)), t);
        }
        return this;
    }

    /** A tick at {@code t} seconds, as a caller's timer would. */
    Scenario tick(double t) {
        this.now = t;
        record(this.detector.tick(micros(t)), t);
        return this;
    }

    private void record(List<Transition> transitions, double t) {
        for (Transition transition : transitions) {
            this.seen.add(new Seen(transition, t));
        }
    }

    MotionDetector detector() {
        return this.detector;
    }

    List<Seen> seen() {
        return this.seen;
    }

    /**
     * The events, checking the order of their transitions and that their snapshots agree.
     */
    List<Event> events() {
        List<Event> events = new ArrayList<>();
        MotionEvent open = null;
        double endSeen = Double.NaN;
        List<Seen> updates = new ArrayList<>();
        for (Seen s : this.seen) {
            MotionEvent e = s.transition().event();
            if (s.transition() instanceof Transition.New) {
                assertThat(open).as(this.name + ": New while an event is open, at " + s.at()).isNull();
                assertThat(e.endMicros()).isNull();
                assertThat(seconds(e.startMicros())).isLessThanOrEqualTo(s.at());
                open = e;
                updates = new ArrayList<>();
            }
            else {
                assertThat(open).as(this.name + ": " + s.transition() + " without an open event").isNotNull();
                assertThat(e.startMicros()).isEqualTo(open.startMicros());
                assertThat(e.peakScore()).isGreaterThanOrEqualTo(open.peakScore());
                assertThat(e.zones()).containsSubsequence(open.zones());
                if (s.transition() instanceof Transition.Update) {
                    assertThat(e.endMicros()).isNull();
                    updates.add(s);
                    open = e;
                }
                else {
                    assertThat(e.endMicros()).isNotNull();
                    events.add(new Event(seconds(e.startMicros()), seconds(e.endMicros()), s.at(), e.peakScore(),
                            e.zones(), updates));
                    open = null;
                }
            }
        }
        if (open != null) {
            events.add(new Event(seconds(open.startMicros()), Double.NaN, endSeen, open.peakScore(), open.zones(),
                    updates));
        }
        return events;
    }

    /**
     * Checks that each interval of motion [appear, last motion] is exactly one event,
     * that starts within 0.5 s of the appearance and ends, End transition included,
     * within postCapture + 1 s of the last motion; prints the latencies.
     */
    List<Event> assertOneEventPerMotion(double postCapture, double[]... motions) {
        List<Event> events = events();
        assertThat(events).as(this.name + ": one event per moving interval, seen " + this.seen).hasSize(motions.length);
        for (int i = 0; i < motions.length; i++) {
            Event event = events.get(i);
            double appear = motions[i][0];
            double last = motions[i][1];
            String what = this.name + " event " + (i + 1) + " " + event;
            assertThat(event.start()).as(what + ": start").isBetween(appear, appear + 0.5);
            assertThat(event.end()).as(what + ": end").isBetween(last - 0.5, last + postCapture + 1);
            assertThat(event.endSeen()).as(what + ": End seen").isLessThanOrEqualTo(last + postCapture + 1);
            System.out.println(String.format(Locale.ROOT,
                    "%-44s event %d: start %+.2f s after the motion's first frame, end %+.2f s after its last,"
                            + " End %+.2f s after it; peak %.4f, zones %s",
                    this.name, i + 1, event.start() - appear, event.end() - last, event.endSeen() - last,
                    event.peakScore(), event.zones()));
        }
        return events;
    }

    /** Checks that nothing was reported at all. */
    void assertNoEvent() {
        assertThat(this.seen).as(this.name + ": transitions").isEmpty();
        System.out.println(String.format(Locale.ROOT, "%-44s no event in %.0f s", this.name, this.now));
    }

}
