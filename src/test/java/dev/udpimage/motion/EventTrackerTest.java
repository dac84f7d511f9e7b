package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.udpimage.motion.FrameAnalysis.Calibration;

class EventTrackerTest {

    private static final long T0 = 1_767_225_600_000_000L;

    /** 25 fps */
    private static final long FRAME = 40_000;

    private final EventTracker tracker = new EventTracker(3, Duration.ofSeconds(5));

    private static FrameAnalysis moving(double score, String... zones) {
        return new FrameAnalysis(true, score, new Box(0.1, 0.1, 0.2, 0.2 + Math.min(score, 0.5)), List.of(zones),
                Calibration.READY, 23);
    }

    private static FrameAnalysis still() {
        return FrameAnalysis.still(Calibration.READY, 23);
    }

    private static long at(int frame) {
        return T0 + frame * FRAME;
    }

    @Test
    void anEventStartsAtTheFirstOfMinFramesMovingFrames() {
        assertThat(this.tracker.accept(moving(0.01), at(0))).isEmpty();
        assertThat(this.tracker.accept(moving(0.03), at(1))).isEmpty();
        assertThat(this.tracker.current()).isEmpty();
        List<Transition> third = this.tracker.accept(moving(0.02), at(2));
        assertThat(third).singleElement().isInstanceOf(Transition.New.class);
        MotionEvent event = third.get(0).event();
        assertThat(event.startMicros()).isEqualTo(at(0));
        assertThat(event.endMicros()).isNull();
        assertThat(event.peakMicros()).isEqualTo(at(1));
        assertThat(event.peakScore()).isEqualTo(0.03);
        assertThat(event.peakBox()).isEqualTo(new Box(0.1, 0.1, 0.2, 0.2 + 0.03));
        assertThat(this.tracker.current()).contains(event);
    }

    @Test
    void aStillFrameBreaksTheRun() {
        this.tracker.accept(moving(0.01), at(0));
        this.tracker.accept(moving(0.01), at(1));
        this.tracker.accept(still(), at(2));
        this.tracker.accept(moving(0.01), at(3));
        this.tracker.accept(moving(0.01), at(4));
        List<Transition> fifth = this.tracker.accept(moving(0.01), at(5));
        assertThat(fifth).singleElement().isInstanceOf(Transition.New.class);
        assertThat(fifth.get(0).event().startMicros()).isEqualTo(at(3));
    }

    @Test
    void movingFramesFarApartAreNoRun() {
        this.tracker.accept(moving(0.01), at(0));
        this.tracker.accept(moving(0.01), at(1));
        // the camera was silent for 10 s
        long later = at(1) + 10_000_000;
        assertThat(this.tracker.accept(moving(0.01), later)).isEmpty();
        assertThat(this.tracker.accept(moving(0.01), later + FRAME)).isEmpty();
        assertThat(this.tracker.accept(moving(0.01), later + 2 * FRAME)).singleElement()
            .satisfies(t -> assertThat(t.event().startMicros()).isEqualTo(later));
    }

    @Test
    void anEventEndsPostCaptureAfterItsLastMovingFrame() {
        for (int i = 0; i < 10; i++) {
            this.tracker.accept(moving(0.01), at(i));
        }
        // 5 s = 125 frames at 25 fps
        for (int i = 10; i < 9 + 125; i++) {
            assertThat(this.tracker.accept(still(), at(i))).as("frame " + i).isEmpty();
        }
        List<Transition> end = this.tracker.accept(still(), at(9 + 125));
        assertThat(end).singleElement().isInstanceOf(Transition.End.class);
        assertThat(end.get(0).event().endMicros()).isEqualTo(at(9));
        assertThat(end.get(0).event().startMicros()).isEqualTo(at(0));
        assertThat(this.tracker.current()).isEmpty();
        assertThat(this.tracker.accept(still(), at(200))).isEmpty();
    }

    @Test
    void aPauseShorterThanPostCaptureIsOneEvent() {
        for (int i = 0; i < 5; i++) {
            this.tracker.accept(moving(0.01), at(i));
        }
        for (int i = 5; i < 100; i++) {
            assertThat(this.tracker.accept(still(), at(i))).isEmpty();
        }
        // one moving frame is enough to keep an open event going
        assertThat(this.tracker.accept(moving(0.01), at(100))).isEmpty();
        assertThat(this.tracker.current()).isPresent();
        assertThat(this.tracker.tick(at(100) + 4_999_999)).isEmpty();
        assertThat(this.tracker.tick(at(100) + 5_000_000)).singleElement()
            .satisfies(t -> assertThat(t.event().endMicros()).isEqualTo(at(100)));
    }

    @Test
    void aTickEndsTheEventOfASilentCamera() {
        for (int i = 0; i < 5; i++) {
            this.tracker.accept(moving(0.01), at(i));
        }
        assertThat(this.tracker.tick(at(4) + 1_000_000)).isEmpty();
        List<Transition> end = this.tracker.tick(at(4) + 6_000_000);
        assertThat(end).singleElement().isInstanceOf(Transition.End.class);
        assertThat(end.get(0).event().endMicros()).isEqualTo(at(4));
        assertThat(this.tracker.tick(at(4) + 7_000_000)).isEmpty();
    }

    @Test
    void aFrameAfterALongSilenceEndsTheOldEventFirst() {
        EventTracker eager = new EventTracker(1, Duration.ofSeconds(5));
        assertThat(eager.accept(moving(0.01), at(0))).singleElement().isInstanceOf(Transition.New.class);
        List<Transition> both = eager.accept(moving(0.02), at(0) + 60_000_000);
        assertThat(both).hasSize(2);
        assertThat(both.get(0)).isInstanceOf(Transition.End.class);
        assertThat(both.get(0).event().endMicros()).isEqualTo(at(0));
        assertThat(both.get(1)).isInstanceOf(Transition.New.class);
        assertThat(both.get(1).event().startMicros()).isEqualTo(at(0) + 60_000_000);
    }

    @Test
    void aNewZoneIsAnUpdateAtOnce() {
        this.tracker.accept(moving(0.01, "door"), at(0));
        this.tracker.accept(moving(0.01), at(1));
        assertThat(this.tracker.accept(moving(0.01, "door"), at(2)).get(0).event().zones()).containsExactly("door");
        assertThat(this.tracker.accept(moving(0.01, "door"), at(3))).isEmpty();
        List<Transition> update = this.tracker.accept(moving(0.01, "window", "door"), at(4));
        assertThat(update).singleElement().isInstanceOf(Transition.Update.class);
        assertThat(update.get(0).event().zones()).containsExactly("door", "window");
        assertThat(this.tracker.accept(moving(0.01, "window"), at(5))).isEmpty();
        // zones stay in the event after the motion leaves them
        assertThat(this.tracker.close()).singleElement()
            .satisfies(t -> assertThat(t.event().zones()).containsExactly("door", "window"));
    }

    @Test
    void aMuchHigherPeakIsAnUpdateAtMostOnceASecond() {
        this.tracker.accept(moving(0.01), at(0));
        this.tracker.accept(moving(0.01), at(1));
        assertThat(this.tracker.accept(moving(0.01), at(2))).hasSize(1);
        List<Transition> updates = new java.util.ArrayList<>();
        // the score grows by 10 % a frame for 3 s
        double score = 0.01;
        for (int i = 3; i < 3 + 75; i++) {
            score *= 1.1;
            updates.addAll(this.tracker.accept(moving(score), at(i)));
        }
        assertThat(updates).allMatch(t -> t instanceof Transition.Update).hasSizeBetween(2, 3);
        for (int i = 1; i < updates.size(); i++) {
            MotionEvent before = updates.get(i - 1).event();
            MotionEvent after = updates.get(i).event();
            assertThat(after.peakMicros() - before.peakMicros()).isGreaterThanOrEqualTo(1_000_000);
            assertThat(after.peakScore()).isGreaterThanOrEqualTo(1.5 * before.peakScore());
        }
        // a peak only a little higher is no update
        assertThat(this.tracker.accept(moving(score * 1.2), at(200))).isEmpty();
    }

    @Test
    void closeEndsAnOpenEventAndNothingElse() {
        assertThat(this.tracker.close()).isEmpty();
        for (int i = 0; i < 3; i++) {
            this.tracker.accept(moving(0.01), at(i));
        }
        assertThat(this.tracker.close()).singleElement()
            .satisfies(t -> assertThat(t.event().endMicros()).isEqualTo(at(2)));
        assertThat(this.tracker.close()).isEmpty();
    }

}
