package dev.udpimage.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.udpimage.bench.Processes.ServiceProcess;
import dev.udpimage.support.TestImages;

/**
 * {@code -Dbench.mode=recording}: what the recording costs and how fast it is read back,
 * all in one run. Images a second with the recording on and off (10 KB and 1.8 MB, one
 * sender, twice over each); the recording's write rate against the disk's own sequential
 * rate ({@code dd conv=fdatasync} in the same run); export speed of 640x480 frames;
 * {@code frame?at=} latency in a recording of 2 million frames (a tenth with
 * {@code quick}); the RSS of a service on that recording against one on an empty
 * recording.
 */
final class RecordingBench {

    private static final int PASSES = 3;

    private static final Pattern RECEIVED_AT = Pattern.compile("\"(from|to)\":\"([^\"]+)\"");

    private RecordingBench() {
    }

    static List<String> run(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small, byte[] large,
            int scale) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("| workload | recording | completed/sent | images/s | MB/s | p50 / p99 ms |");
        lines.add("| --- | --- | --- | --- | --- | --- |");
        // [small, large][on, off of pass 1, then of pass 2, ...]
        double[][] rates = new double[2][2 * PASSES];
        for (int pass = 1; pass <= PASSES; pass++) {
            // the order alternates, so that neither side always runs on a warmer machine
            boolean[] order = pass % 2 == 1 ? new boolean[] { true, false } : new boolean[] { false, true };
            for (boolean on : order) {
                int column = 2 * (pass - 1) + (on ? 0 : 1);
                String name = on ? "on" : "off";
                System.out.println("recording " + name + ", pass " + pass + "; warming up...");
                try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                        build.resolve("bench-recording-" + name + "-" + pass + ".log"),
                        List.of("--udp.recording.enabled=" + on))) {
                    sender.stopAndWait("warm-up", name, service.images(), small, 3000 / scale);
                    sender.stopAndWait("warm-up", name, service.images(), large, 5);
                    Row smallRow = sender.stopAndWait("10 KB x " + 20000 / scale + ", 1 sender", name, service.images(),
                            small, 20000 / scale);
                    Row largeRow = sender.stopAndWait("1.8 MB x " + 150 / scale + ", 1 sender", name, service.images(),
                            large, 150 / scale);
                    rates[0][column] = smallRow.perSecond();
                    rates[1][column] = largeRow.perSecond();
                    for (Row row : List.of(smallRow, largeRow)) {
                        Report.print(row);
                        lines.add(String.format(Locale.ROOT, "| %s | %s (pass %d) | %s | %.1f | %.1f | %.2f / %.2f |",
                                row.workload(), name, pass, row.completedOfSent(), row.perSecond(),
                                row.megabytesPerSecond(), row.percentileMs(0.5), row.percentileMs(0.99)));
                    }
                }
            }
        }
        lines.add("");
        for (int size = 0; size < 2; size++) {
            double[] ratios = new double[PASSES];
            for (int pass = 0; pass < PASSES; pass++) {
                ratios[pass] = rates[size][2 * pass] / rates[size][2 * pass + 1];
            }
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            lines.add(String.format(Locale.ROOT, "- %s: recording on/off %s by pass, median %.2f",
                    size == 0 ? "10 KB" : "1.8 MB",
                    Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
                    sorted[PASSES / 2]));
        }
        lines.add(String.format(Locale.ROOT,
                "- the disk's own sequential write rate (dd bs=1M count=512 conv=fdatasync): %.0f MB/s; the "
                        + "recording wrote the 1.8 MB rows at %.0f, %.0f and %.0f MB/s (each frame once, async)",
                ddMegabytesPerSecond(build), rates[1][0] * large.length / 1e6, rates[1][2] * large.length / 1e6,
                rates[1][4] * large.length / 1e6));
        lines.add(export(sender, jar, jvmOptions, build, scale));
        lines.addAll(lookups(sender, jar, jvmOptions, build, scale));
        return lines;
    }

    /** dd's own figure for 512 MB written and fdatasync'd in the build directory. */
    private static double ddMegabytesPerSecond(Path build) throws IOException, InterruptedException {
        Path file = build.resolve("bench-dd.bin");
        long started = System.nanoTime();
        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=512", "conv=fdatasync")
            .redirectErrorStream(true)
            .start();
        dd.getInputStream().readAllBytes();
        dd.waitFor();
        double seconds = (System.nanoTime() - started) / 1e9;
        Files.deleteIfExists(file);
        return 512 * 1.048576 / seconds;
    }

    /** Export speed: 640x480 frames recorded at full speed, then exported as MKV. */
    private static String export(Sender sender, Path jar, List<String> jvmOptions, Path build, int scale)
            throws Exception {
        byte[] vga = TestImages.jpeg(TestImages.photo(640, 480, 30, 6), 0.85f);
        // a recording of about 1 GB: more than the default heap (-Xmx416m) could hold
        int frames = 10000 / scale;
        int http = freeTcpPort();
        try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions, build.resolve("bench-export.log"),
                List.of(), build.resolve("bench-store"), true, http)) {
            sender.stopAndWait("640x480 frames", "service", service.images(), vga, frames);
            HttpClient client = HttpClient.newHttpClient();
            double best = 0;
            long bytes = 0;
            for (int round = 0; round < 3; round++) {
                long started = System.nanoTime();
                HttpResponse<InputStream> response = client.send(HttpRequest
                    .newBuilder(URI.create("http://127.0.0.1:" + http + "/recordings/export?sender=127.0.0.1"))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    bytes = body.transferTo(java.io.OutputStream.nullOutputStream());
                }
                best = Math.max(best, frames / ((System.nanoTime() - started) / 1e9));
            }
            return String.format(Locale.ROOT,
                    "- export of %,d frames of 640x480 (%,d bytes each, %.0f MB of MKV): %.0f frames/s at best of 3, "
                            + "%.0fx real time at 25 fps",
                    frames, vga.length, bytes / 1e6, best, best / 25);
        }
    }

    /**
     * {@code frame?at=} in a large recording: tiny frames from eight senders, then 2 000
     * lookups at random instants on a freshly started service, and the RSS of that
     * service against one on an empty recording.
     */
    private static List<String> lookups(Sender sender, Path jar, List<String> jvmOptions, Path build, int scale)
            throws Exception {
        byte[] tiny = TestImages.jpeg(TestImages.photo(16, 16, 10, 7), 0.8f);
        int total = 2_000_000 / scale;
        Path store = build.resolve("bench-store-large");
        long sendStarted = System.nanoTime();
        try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions, build.resolve("bench-large-fill.log"),
                List.of(), store, true, 0)) {
            sender.concurrent("fill", "service", service.images(), tiny, 8, total / 8);
        }
        double fillSeconds = (System.nanoTime() - sendStarted) / 1e9;
        List<String> lines = new ArrayList<>();
        long[] rss = new long[2];
        String[] latency = new String[1];
        for (int i = 0; i < 2; i++) {
            boolean large = i == 0;
            int http = freeTcpPort();
            try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                    build.resolve("bench-large-" + (large ? "full" : "empty") + ".log"), List.of(),
                    large ? store : build.resolve("bench-store"), !large, http)) {
                HttpClient client = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + http + "/recordings";
                String cameras = client
                    .send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
                Instant from = Instant.now().minusSeconds(600);
                Instant to = Instant.now();
                Matcher times = RECEIVED_AT.matcher(cameras);
                while (times.find()) {
                    if (times.group(1).equals("from")) {
                        from = Instant.parse(times.group(2));
                    }
                    else {
                        to = Instant.parse(times.group(2));
                    }
                }
                long span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
                Random random = new Random(27);
                long[] nanos = new long[2000];
                for (int q = -200; q < nanos.length; q++) { // 200 to warm up
                    Instant at = from.plusMillis((long) (random.nextDouble() * span));
                    long started = System.nanoTime();
                    client.send(HttpRequest.newBuilder(URI.create(base + "/frame?sender=127.0.0.1&at=" + at)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (q >= 0) {
                        nanos[q] = System.nanoTime() - started;
                    }
                }
                Arrays.sort(nanos);
                rss[i] = service.rssMb();
                if (large) {
                    latency[0] = String.format(Locale.ROOT,
                            "- frame?at= in a recording of %,d frames of one camera (%s; filled at %.0f frames/s): "
                                    + "p50 %.2f ms, p99 %.2f ms over 2 000 random instants, over HTTP",
                            total, cameras.replaceAll(".*\"segments\":(\\d+).*", "$1 segments"), total / fillSeconds,
                            nanos[1000] / 1e6, nanos[1980] / 1e6);
                }
            }
        }
        lines.add(latency[0]);
        lines.add(String.format(Locale.ROOT,
                "- RSS after those lookups: %d MB on that recording, %d MB on an empty one", rss[0], rss[1]));
        return lines;
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
