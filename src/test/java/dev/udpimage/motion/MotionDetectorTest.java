package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.udpimage.motion.FrameAnalysis.Calibration;
import dev.udpimage.motion.Scenario.Event;
import dev.udpimage.motion.SyntheticScene.Light;
import dev.udpimage.motion.SyntheticScene.Thing;

/**
 * The detector on synthetic scenes at 25 fps (unless said otherwise), with the default
 * settings: each scenario prints its events' start and end latencies.
 */
class MotionDetectorTest {

    private static final MotionSettings DEFAULTS = MotionSettings.defaults();

    private static final double POST = DEFAULTS.postCapture().toMillis() / 1000.0;

    /** Someone crossing the room from left to right in 4 s, from 2 s on. */
    private static final Thing CROSSING = Thing.moving(2, 6, 6, 0.04, 0.45, 0.96, 0.6);

    private static SyntheticScene scene(String kind, int width, int height, long seed) {
        return kind.equals("jpeg") ? SyntheticScene.viaJpeg(width, height, 3, seed)
                : SyntheticScene.small(width, height, 3, seed);
    }

    @ParameterizedTest(name = "{0} {1}x{2} at {3} fps")
    @CsvSource({ "small, 80, 60, 25", "jpeg, 80, 60, 25", "small, 160, 90, 25", "jpeg, 160, 90, 25",
            "small, 240, 135, 25", "small, 80, 60, 5", "small, 80, 60, 30", "small, 8, 8, 25", "jpeg, 32, 24, 25" })
    void someoneCrossingTheRoomIsOneEvent(String kind, int width, int height, double fps) {
        Thing crossing = (width < 20) ? new Thing(2, 6, 6, 0.1, 0.5, 0.9, 0.5, 0.25, 0.3, 30) : CROSSING;
        SyntheticScene scene = scene(kind, width, height, 1).with(crossing);
        Scenario run = new Scenario("crossing " + kind + " " + width + "x" + height + " " + (int) fps + " fps",
                DEFAULTS)
            .play(scene, 0, 12.5, fps);
        Event event = run.assertOneEventPerMotion(POST, new double[] { 2, 6 }).get(0);
        assertThat(event.zones()).isEmpty();
    }

    @Test
    void twoCrossingsFarApartAreTwoEvents() {
        SyntheticScene scene = SyntheticScene.small(80, 60, 3, 2)
            .with(Thing.moving(5, 8, 8, 0.96, 0.5, 0.04, 0.5))
            .with(Thing.moving(20, 22, 22, 0.3, 0.1, 0.6, 0.9));
        new Scenario("two crossings 15 s apart", DEFAULTS).play(scene, 0, 35, 25)
            .assertOneEventPerMotion(POST, new double[] { 5, 8 }, new double[] { 20, 22 });
    }

    @Test
    void noiseAloneIsNoEvent() {
        new Scenario("noise sigma 4, 80x60, 5 min", DEFAULTS).play(SyntheticScene.small(80, 60, 4, 3), 0, 300, 25)
            .assertNoEvent();
        new Scenario("noise sigma 4, 160x90, 2 min", DEFAULTS).play(SyntheticScene.small(160, 90, 4, 4), 0, 120, 25)
            .assertNoEvent();
        new Scenario("noise sigma 3 through JPEG, 80x60, 40 s", DEFAULTS)
            .play(SyntheticScene.viaJpeg(80, 60, 3, 5), 0, 40, 25)
            .assertNoEvent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "small", "jpeg" })
    void lightsSwitchingAreNoEventAndMotionAfterwardsIsOne(String kind) {
        // on (+70 levels), off, the camera's gain up (contrast x1.6 around mid-grey) and
        // back, a dimmer light (-50), and someone crossing
        SyntheticScene scene = scene(kind, 80, 60, 6).with(new Light(5, 1, 70))
            .with(new Light(10, 1, -70))
            .with(new Light(15, 1.6, 0))
            .with(new Light(20, 1, 0))
            .with(new Light(25, 1, -50))
            .with(Thing.moving(30, 34, 34, 0.04, 0.3, 0.96, 0.4));
        Scenario run = new Scenario("light switches then a crossing (" + kind + ")", DEFAULTS);
        run.play(scene, 0, 5, 25);
        assertThat(run.seen()).isEmpty();
        run.play(scene, 5, 5.01, 25);
        assertThat(run.detector().lastFrame().calibration()).isEqualTo(Calibration.LIGHTSWITCH);
        run.play(scene, 5.01, 40, 25).assertOneEventPerMotion(POST, new double[] { 30, 34 });
    }

    @Test
    void brightnessDriftingIsNoEventButMotionDuringItIs() {
        // daylight: 1 level a second up for a minute, down for a minute, and so on
        SyntheticScene drift = SyntheticScene.small(80, 60, 3, 7).drifting(1, 60);
        new Scenario("drift 1 level/s for 4 min", DEFAULTS).play(drift, 0, 240, 25).assertNoEvent();
        // faster, and through JPEG
        SyntheticScene faster = SyntheticScene.viaJpeg(80, 60, 3, 8).drifting(3, 10);
        new Scenario("drift 3 levels/s through JPEG for 30 s", DEFAULTS).play(faster, 0, 30, 25).assertNoEvent();
        SyntheticScene withSomeone = SyntheticScene.small(80, 60, 3, 9)
            .drifting(1, 60)
            .with(Thing.moving(50, 54, 54, 0.04, 0.4, 0.96, 0.5));
        new Scenario("drift with a crossing", DEFAULTS).play(withSomeone, 0, 70, 25)
            .assertOneEventPerMotion(POST, new double[] { 50, 54 });
    }

    @Test
    void motionInsideAMaskIsNoEvent() {
        MotionSettings masked = DEFAULTS.withMasks(List.of(Polygon.parse("0,0 0.45,0 0.45,1 0,1")));
        // pacing up and down inside the left part for 20 s
        SyntheticScene scene = SyntheticScene.viaJpeg(80, 60, 3, 10);
        for (int i = 0; i < 3; i++) {
            scene.with(Thing.moving(2 + 4 * i, 4 + 4 * i, 4 + 4 * i, 0.1, 0.2, 0.35, 0.8))
                .with(Thing.moving(4 + 4 * i, 6 + 4 * i, 6 + 4 * i, 0.35, 0.8, 0.1, 0.2));
        }
        scene.with(Thing.moving(18, 21, 21, 0.6, 0.1, 0.9, 0.5));
        new Scenario("pacing inside a mask, then outside", masked).play(scene, 0, 27, 25)
            .assertOneEventPerMotion(POST, new double[] { 18, 21 });
    }

    @Test
    void anEventNamesTheZoneItsMotionIsIn() {
        Map<String, Polygon> zones = new LinkedHashMap<>();
        zones.put("door", Polygon.parse("0,0 0.4,0 0.4,1 0,1"));
        zones.put("window", Polygon.parse("0.6,0 1,0 1,0.5 0.6,0.5"));
        SyntheticScene scene = SyntheticScene.viaJpeg(80, 60, 3, 11).with(Thing.moving(2, 5, 5, 0.1, 0.3, 0.3, 0.8));
        Event event = new Scenario("motion in one zone", DEFAULTS.withZones(zones)).play(scene, 0, 11.5, 25)
            .assertOneEventPerMotion(POST, new double[] { 2, 5 })
            .get(0);
        assertThat(event.zones()).containsExactly("door");
    }

    @Test
    void twoObjectsInTwoZones() {
        Map<String, Polygon> zones = new LinkedHashMap<>();
        zones.put("door", Polygon.parse("0,0 0.4,0 0.4,1 0,1"));
        zones.put("window", Polygon.parse("0.6,0 1,0 1,0.5 0.6,0.5"));
        zones.put("sofa", Polygon.parse("0.6,0.6 1,0.6 1,1 0.6,1"));
        MotionSettings settings = DEFAULTS.withZones(zones);
        // at once: one event, which learns the second zone with an update
        SyntheticScene together = SyntheticScene.small(80, 60, 3, 12)
            .with(Thing.moving(5, 10, 10, 0.1, 0.3, 0.3, 0.8))
            .with(Thing.moving(7, 11, 11, 0.7, 0.1, 0.9, 0.35));
        Scenario run = new Scenario("two objects in two zones at once", settings).play(together, 0, 20, 25);
        Event event = run.assertOneEventPerMotion(POST, new double[] { 5, 11 }).get(0);
        assertThat(event.zones()).containsExactly("door", "window");
        assertThat(event.updates()).anySatisfy(update -> {
            assertThat(update.transition().event().zones()).containsExactly("door", "window");
            assertThat(update.at()).isBetween(7.0, 7.5);
        });
        // one after the other: two events, each with its own zone
        SyntheticScene apart = SyntheticScene.small(80, 60, 3, 13)
            .with(Thing.moving(5, 8, 8, 0.1, 0.3, 0.3, 0.8))
            .with(Thing.moving(20, 23, 23, 0.7, 0.1, 0.9, 0.35));
        List<Event> events = new Scenario("two objects in two zones, apart", settings).play(apart, 0, 35, 25)
            .assertOneEventPerMotion(POST, new double[] { 5, 8 }, new double[] { 20, 23 });
        assertThat(events.get(0).zones()).containsExactly("door");
        assertThat(events.get(1).zones()).containsExactly("window");
    }

    @Test
    void aNewFrameSizeRestartsTheBackgroundWithoutAnEvent() {
        Scenario run = new Scenario("80x60, then 160x90, then a crossing", DEFAULTS);
        run.play(SyntheticScene.small(80, 60, 3, 14), 0, 10, 25);
        run.play(SyntheticScene.small(160, 90, 3, 15).with(Thing.moving(15, 19, 19, 0.04, 0.45, 0.96, 0.6)), 10, 30,
                25);
        run.assertOneEventPerMotion(POST, new double[] { 15, 19 });
    }

    @Test
    void aSizeChangeDuringMotionKeepsTheEventUntilTheGhostIsBackground() {
        Thing crossing = Thing.moving(5, 13, 13, 0.04, 0.45, 0.96, 0.6);
        Scenario run = new Scenario("crossing while 80x60 becomes 160x90", DEFAULTS);
        run.play(SyntheticScene.small(80, 60, 3, 16).with(crossing), 0, 8, 25);
        run.play(SyntheticScene.small(160, 90, 3, 17).with(crossing), 8, 30, 25);
        // the background restarts from the first 160x90 frame, which holds the object:
        // where it was shows as a change (a ghost) once it has moved on, until that is
        // accepted as background, ACCEPT_SECONDS after the settling second
        double ghostGone = 8 + BackgroundModel.SETTLE_SECONDS + BackgroundModel.ACCEPT_SECONDS;
        List<Event> events = run.events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).start()).isBetween(5.0, 5.5);
        assertThat(events.get(0).end()).isBetween(13 - 0.5, ghostGone + 0.5);
        assertThat(events.get(0).endSeen()).isLessThanOrEqualTo(ghostGone + POST + 0.5);
        System.out.println(String.format(java.util.Locale.ROOT,
                "%-44s event 1: start %+.2f s after the motion's first frame, end %+.2f s after its last,"
                        + " %+.2f s after the restart",
                "crossing while 80x60 becomes 160x90", events.get(0).start() - 5, events.get(0).end() - 13,
                events.get(0).end() - 8));
    }

    @Test
    void anObjectThatStopsBecomesBackgroundAndTheEventEnds() {
        // walks in for 3 s, then stays where it stopped
        SyntheticScene scene = SyntheticScene.small(80, 60, 3, 18)
            .with(Thing.moving(5, 8, Double.POSITIVE_INFINITY, 0.04, 0.5, 0.5, 0.5));
        Scenario run = new Scenario("an object that stops and stays", DEFAULTS).play(scene, 0, 60, 25);
        List<Event> events = run.events();
        assertThat(events).hasSize(1);
        Event event = events.get(0);
        // the stopped object's pixels are accepted as background after ACCEPT_SECONDS
        assertThat(event.start()).isBetween(5.0, 5.5);
        assertThat(event.end()).isBetween(8.0, 8 + BackgroundModel.ACCEPT_SECONDS + 1);
        assertThat(event.endSeen()).isLessThanOrEqualTo(8 + BackgroundModel.ACCEPT_SECONDS + POST + 1);
        System.out.println(String.format(java.util.Locale.ROOT,
                "%-44s event 1: start %+.2f s after the motion's first frame, end %+.2f s after it stopped,"
                        + " End %+.2f s after it stopped",
                "an object that stops and stays", event.start() - 5, event.end() - 8, event.endSeen() - 8));
        // and it stays quiet
        run.play(scene, 60, 120, 25);
        assertThat(run.events()).hasSize(1);
    }

    @Test
    void aCameraGoingSilentEndsItsEventByTick() {
        Scenario run = new Scenario("a camera going silent mid-motion", DEFAULTS);
        run.play(SyntheticScene.small(80, 60, 3, 19).with(CROSSING), 0, 4, 25);
        assertThat(run.detector().openEvent()).isPresent();
        for (double t = 4; t < 16; t += 1) {
            run.tick(t);
        }
        run.assertOneEventPerMotion(POST, new double[] { 2, 4 });
        assertThat(run.detector().openEvent()).isEmpty();
    }

    @Test
    void aDisabledDetectorReportsNothing() {
        Scenario run = new Scenario("disabled", DEFAULTS.withEnabled(false))
            .play(SyntheticScene.small(80, 60, 3, 20).with(CROSSING), 0, 20, 25);
        run.assertNoEvent();
        assertThat(run.detector().lastFrame()).isNull();
    }

    @Test
    void aLongGapRestartsTheBackground() {
        Scenario run = new Scenario("a gap of a minute, lights on meanwhile", DEFAULTS);
        run.play(SyntheticScene.small(80, 60, 3, 21), 0, 10, 25);
        run.play(SyntheticScene.small(80, 60, 3, 22).with(new Light(0, 1.3, 15)), 70, 80, 25);
        run.assertNoEvent();
        assertThat(run.detector().lastFrame().calibration()).isEqualTo(Calibration.READY);
    }

    @Test
    void theFirstSecondOnlyTeachesTheBackground() {
        MotionDetector detector = new MotionDetector(DEFAULTS);
        SyntheticScene scene = SyntheticScene.small(80, 60, 3, 23);
        detector.accept(scene.frame(0), Scenario.micros(0));
        assertThat(detector.lastFrame().calibration()).isEqualTo(Calibration.FIRST_FRAME);
        assertThat(detector.lastFrame().calibration().reset()).isTrue();
        detector.accept(scene.frame(0.5), Scenario.micros(0.5));
        assertThat(detector.lastFrame().calibration()).isEqualTo(Calibration.SETTLING);
        detector.accept(scene.frame(1), Scenario.micros(1));
        assertThat(detector.lastFrame().calibration()).isEqualTo(Calibration.READY);
        assertThat(detector.lastFrame().threshold()).isEqualTo(DEFAULTS.threshold());
    }

    @Test
    void anySizeAndAnyContentIsTaken() {
        // tiny, odd and large sizes, random content, timestamps that jump and go back
        Random random = new Random(25);
        int[][] sizes = { { 1, 1 }, { 2, 3 }, { 7, 5 }, { 8, 8 }, { 161, 121 }, { 241, 136 }, { 640, 480 } };
        MotionDetector detector = new MotionDetector(DEFAULTS.withMasks(List.of(Polygon.parse("0,0 0.3,0 0.3,0.3")))
            .withZones(Map.of("all", Polygon.parse("0,0 1,0 1,1 0,1"))));
        double t = 0;
        for (int frame = 0; frame < 600; frame++) {
            int[] size = sizes[(frame / 40) % sizes.length];
            byte[] pixels = new byte[size[0] * size[1]];
            random.nextBytes(pixels);
            t += (random.nextInt(20) == 0) ? -0.5 : 0.04 * random.nextInt(3);
            List<Transition> transitions = detector.accept(new LumaImage(size[0], size[1], pixels), Scenario.micros(t));
            assertThat(transitions).hasSizeLessThanOrEqualTo(2);
            FrameAnalysis analysis = detector.lastFrame();
            assertThat(analysis.score()).isBetween(0.0, 1.0);
            if (analysis.moving()) {
                assertThat(analysis.box()).isNotNull();
            }
        }
        detector.tick(Scenario.micros(t + 100));
        assertThat(detector.openEvent()).isEmpty();
    }

    @Test
    void aMovingFrameSaysWhereAndHowMuch() {
        MotionDetector detector = new MotionDetector(DEFAULTS.withPostCapture(Duration.ofSeconds(1)));
        SyntheticScene scene = SyntheticScene.small(80, 60, 3, 24)
            .with(new Thing(2, 2, 10, 0.5, 0.5, 0.5, 0.5, 0.2, 0.3, 30));
        for (double t = 0; t < 2.5; t += 0.04) {
            detector.accept(scene.frame(t), Scenario.micros(t));
        }
        FrameAnalysis frame = detector.lastFrame();
        assertThat(frame.moving()).isTrue();
        // an ellipse of 0.2 x 0.3 centred in the frame: its box, within a pixel
        Box box = frame.box();
        assertThat(box.left()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1.0 / 80));
        assertThat(box.right()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1.0 / 80));
        assertThat(box.top()).isCloseTo(0.35, org.assertj.core.data.Offset.offset(1.0 / 60));
        assertThat(box.bottom()).isCloseTo(0.65, org.assertj.core.data.Offset.offset(1.0 / 60));
        // pi/4 of the box, give or take the pixels whose contrast is below the threshold
        assertThat(frame.score()).isBetween(0.8 * Math.PI / 4 * 0.06, 1.1 * Math.PI / 4 * 0.06);
    }

}
