package dev.udpimage.motion;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Frames per second of {@link JpegDcReader} against ImageIO, warm, in one JVM: not a test
 * (nothing here asserts a time), a program.
 *
 * <p>
 * For 640x480 and 1280x720 camera-like JPEGs (gradients, shapes, sensor noise; quality
 * 85, 4:2:0, as the JDK and OpenCV write them) it warms each decoder up, then runs
 * alternating passes of: the DC reader; {@code ImageIO.read}; and one ImageIO reader kept
 * and reset between frames (as the service's ImageDecoder does). It prints each decoder's
 * median frames/s with the range over the passes, by the wall clock and by the thread's
 * CPU time (the latter is steadier on a shared machine), and the ratios.
 *
 * <pre>
 * mvn -q -o test-compile
 * java -cp target/test-classes:target/classes dev.udpimage.motion.LumaBench [seconds a pass] [passes]
 * </pre>
 */
public final class LumaBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LumaBench() {
    }

    public static void main(String[] args) throws IOException {
        double seconds = (args.length > 0) ? Double.parseDouble(args[0]) : 1.0;
        int passes = (args.length > 1) ? Integer.parseInt(args[1]) : 7;
        ImageIO.setUseCache(false);
        System.out.printf(Locale.ROOT, "%s, %d processors, %.1f s a pass, %d passes%n",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), seconds, passes);
        for (int[] size : new int[][] { { 640, 480 }, { 1280, 720 } }) {
            bench(size[0], size[1], seconds, passes);
        }
    }

    private static void bench(int width, int height, double seconds, int passes) throws IOException {
        byte[][] frames = new byte[4][];
        long bytes = 0;
        for (int i = 0; i < frames.length; i++) { // four frames, each its own shapes and
                                                  // noise
            frames[i] = Jpegs.jpeg(Jpegs.scene(width, height, 100 + i), 0.85f);
            bytes += frames[i].length;
        }
        JpegDcReader reader = new JpegDcReader();
        ImageReader kept = ImageIO.getImageReadersByFormatName("jpeg").next();
        Decoder[] decoders = { new Decoder("JpegDcReader", (frame) -> reader.read(frame).width()),
                new Decoder("ImageIO.read", (frame) -> ImageIO.read(new ByteArrayInputStream(frame)).getWidth()),
                new Decoder("ImageIO kept reader", (frame) -> {
                    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(frame))) {
                        kept.setInput(input, true, true);
                        return kept.read(0).getWidth();
                    }
                    finally {
                        kept.reset();
                    }
                }) };
        for (Decoder decoder : decoders) { // warm up: let the JIT compile the decoders'
                                           // paths
            decoder.pass(frames, Math.max(2.0, seconds * 2));
            decoder.wall.clear();
            decoder.cpu.clear();
        }
        for (int pass = 0; pass < passes; pass++) {
            for (Decoder decoder : decoders) {
                decoder.pass(frames, seconds);
            }
        }
        kept.dispose();
        System.out.printf(Locale.ROOT, "%n%dx%d, %d bytes a frame on average%n", width, height, bytes / frames.length);
        for (Decoder decoder : decoders) {
            System.out.printf(Locale.ROOT,
                    "  %-20s wall %7.0f frames/s (%.0f..%.0f)   cpu %7.0f frames/s (%.0f..%.0f)%n", decoder.name,
                    median(decoder.wall), min(decoder.wall), max(decoder.wall), median(decoder.cpu), min(decoder.cpu),
                    max(decoder.cpu));
        }
        for (int i = 1; i < decoders.length; i++) {
            System.out.printf(Locale.ROOT,
                    "  JpegDcReader / %-20s wall x%.1f (x%.1f..x%.1f by pass)   cpu x%.1f (x%.1f..x%.1f)%n",
                    decoders[i].name, median(decoders[0].wall) / median(decoders[i].wall),
                    minRatio(decoders[0].wall, decoders[i].wall), maxRatio(decoders[0].wall, decoders[i].wall),
                    median(decoders[0].cpu) / median(decoders[i].cpu), minRatio(decoders[0].cpu, decoders[i].cpu),
                    maxRatio(decoders[0].cpu, decoders[i].cpu));
        }
    }

    /**
     * Decodes a frame; returns something of the result, so that the work is not dropped.
     */
    @FunctionalInterface
    private interface Decode {

        int decode(byte[] frame) throws IOException;

    }

    private static final class Decoder {

        final String name;

        final Decode decode;

        /** Frames/s of each pass. */
        final List<Double> wall = new ArrayList<>();

        final List<Double> cpu = new ArrayList<>();

        long sink;

        Decoder(String name, Decode decode) {
            this.name = name;
            this.decode = decode;
        }

        void pass(byte[][] frames, double seconds) throws IOException {
            long start = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long end = start + (long) (seconds * 1e9);
            int count = 0;
            long now;
            do {
                this.sink += this.decode.decode(frames[count % frames.length]);
                count++;
                now = System.nanoTime();
            }
            while (now < end);
            this.wall.add(count / ((now - start) / 1e9));
            this.cpu.add(count / ((THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9));
        }

    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return (sorted.length % 2 == 1) ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** The lowest and highest ratio of two decoders' passes run side by side. */
    private static double minRatio(List<Double> a, List<Double> b) {
        return ratios(a, b)[0];
    }

    private static double maxRatio(List<Double> a, List<Double> b) {
        double[] ratios = ratios(a, b);
        return ratios[ratios.length - 1];
    }

    private static double[] ratios(List<Double> a, List<Double> b) {
        double[] ratios = new double[a.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = a.get(i) / b.get(i);
        }
        Arrays.sort(ratios);
        return ratios;
    }

}
