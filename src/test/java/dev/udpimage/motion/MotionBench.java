package dev.udpimage.motion;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

import dev.udpimage.motion.SyntheticScene.Thing;

/**
 * What one frame costs the detector: microseconds and bytes allocated per
 * {@link MotionDetector#accept}, for a still scene and for one with someone crossing it,
 * at the sizes cameras send. Not a test (no timing is asserted anywhere); run it with
 *
 * <pre>
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes dev.udpimage.motion.MotionBench
 * </pre>
 */
public final class MotionBench {

    private static final int FRAMES = 250;

    private static final int WARM_UP_ROUNDS = 100;

    private MotionBench() {
    }

    public static void main(String[] args) {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 400;
        int[][] sizes = { { 80, 60 }, { 160, 90 }, { 240, 135 } };
        System.out.println("microseconds per frame in " + rounds + " rounds of " + FRAMES + " frames");
        System.out.println("size      scene       fastest   median  bytes/frame  frames moving");
        for (int[] size : sizes) {
            for (boolean moving : new boolean[] { false, true }) {
                measure(size[0], size[1], moving, rounds);
            }
        }
    }

    private static void measure(int width, int height, boolean moving, int rounds) {
        SyntheticScene scene = SyntheticScene.small(width, height, 3, 1);
        if (moving) {
            // someone crossing in every 10 s, so that most frames have motion
            scene.with(Thing.moving(0, 10, 10, 0.04, 0.45, 0.96, 0.6));
        }
        LumaImage[] frames = new LumaImage[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            frames[i] = scene.frame(1.0 + i * 8.0 / FRAMES);
        }
        MotionDetector detector = new MotionDetector(MotionSettings.defaults());
        long micros = Scenario.EPOCH;
        // past the settling second; then warm up
        for (int i = 0; i < 50; i++) {
            detector.accept(frames[0], micros);
            micros += 40_000;
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // many short rounds: on a shared machine, the fastest are those nothing
        // interrupted
        double[] perFrame = new double[rounds];
        long allocated = 0;
        int measured = 0;
        int movingFrames = 0;
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
            long bytes = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            for (LumaImage frame : frames) {
                detector.accept(frame, micros);
                micros += 40_000;
            }
            long elapsed = System.nanoTime() - start;
            bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
            if (round >= 0) {
                perFrame[round] = elapsed / 1000.0 / FRAMES;
                allocated += bytes;
                measured += FRAMES;
            }
        }
        for (LumaImage frame : frames) {
            detector.accept(frame, micros);
            micros += 40_000;
            movingFrames += detector.lastFrame().moving() ? 1 : 0;
        }
        Arrays.sort(perFrame);
        System.out.println(String.format(Locale.ROOT, "%-9s %-9s %8.1f %8.1f %12d   %3d %%", width + "x" + height,
                moving ? "crossing" : "still", perFrame[0], perFrame[rounds / 2], allocated / measured,
                100 * movingFrames / FRAMES));
    }

}
