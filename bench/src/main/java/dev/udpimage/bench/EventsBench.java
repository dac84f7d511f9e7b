package dev.udpimage.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.udpimage.bench.Processes.ServiceProcess;
import dev.udpimage.motion.Scenes;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.LocalMosquitto;
import dev.udpimage.support.TestSubscriber;

/**
 * What motion detection costs and how fast it tells ({@code -Dbench.mode=events}):
 * <ul>
 * <li>one 10 KB sender, stop-and-wait, with {@code udp.motion.enabled} true against
 * false, five alternating passes;</li>
 * <li>16 cameras (127.0.0.101-116) at 25 fps of 640x480 JPEGs, someone crossing each room
 * every 12 s, for a minute: the analysis thread's CPU time (from
 * {@code /proc/<pid>/task}), frames analysed and skipped (the service's metrics), and the
 * time from each crossing's first moving frame sent to {@code <prefix>/<camera>/motion}
 * ON arriving from mosquitto.</li>
 * </ul>
 */
final class EventsBench {

    private static final int PASSES = 5;

    private static final int CAMERAS = 16;

    private static final int FPS = 25;

    /**
     * A crossing from 2 s to 4 s in every 12 s: the event ends (5 s post-capture) long
     * before the next.
     */
    private static final double CYCLE = 12;

    private EventsBench() {
    }

    static List<String> run(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small, int scale)
            throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add(receiveRate(sender, jar, jvmOptions, build, small, scale));
        lines.addAll(cameras(jar, jvmOptions, build, scale));
        return lines;
    }

    private static String receiveRate(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small,
            int scale) throws Exception {
        int passes = scale > 1 ? 2 : PASSES;
        int count = 20000 / scale;
        double[] on = new double[passes];
        double[] off = new double[passes];
        for (int pass = 0; pass < passes; pass++) {
            for (boolean motion : pass % 2 == 0 ? new boolean[] { true, false } : new boolean[] { false, true }) {
                String name = "motion " + (motion ? "on" : "off");
                System.out.println(name + ", pass " + (pass + 1) + "; warming up...");
                try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                        build.resolve("bench-events-" + motion + ".log"), List.of("--udp.motion.enabled=" + motion))) {
                    sender.stopAndWait("warm-up", name, service.images(), small, 8000 / scale);
                    service.awaitCompilerIdle();
                    Row row = sender.stopAndWait("10 KB x " + count + ", 1 sender", name, service.images(), small,
                            count);
                    Report.print(row);
                    (motion ? on : off)[pass] = row.perSecond();
                }
            }
        }
        double[] ratios = new double[passes];
        for (int p = 0; p < passes; p++) {
            ratios[p] = on[p] / off[p];
        }
        return String.format(Locale.ROOT,
                "- receive rate, 10 KB x %d, 1 sender: motion on %.0f/s, off %.0f/s (medians); on/off by pass %s, "
                        + "median **%.2f** (range %.2f-%.2f)",
                count, RecordingBench.median(on), RecordingBench.median(off), format(ratios),
                RecordingBench.median(ratios), min(ratios), max(ratios));
    }

    private static List<String> cameras(Path jar, List<String> jvmOptions, Path build, int scale) throws Exception {
        int seconds = 60 / scale;
        System.out.println("encoding " + CAMERAS + " cameras' 640x480 frames...");
        Scenes scene = Scenes.crossing(640, 480, 7, 2, 4);
        int perCycle = (int) (CYCLE * FPS);
        byte[][] frames = new byte[perCycle][];
        for (int i = 0; i < perCycle; i++) {
            frames[i] = scene.jpeg((double) i / FPS, 0.85f);
        }
        int firstMoving = (int) Math.ceil(scene.firstMotion() * FPS);
        LocalMosquitto broker = LocalMosquitto.get(); // started, stopped when the run
                                                      // ends
        int httpPort = Processes.freePort();
        Path store = build.resolve("bench-events-store");
        List<String> lines = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions, build.resolve("bench-events-cameras.log"),
                List.of("--udp.mqtt.url=" + broker.url(), "--udp.mqtt.prefix=bench", "--udp.mqtt.discovery=false",
                        "--udp.mqtt.publish-snapshots=false"),
                store, true, httpPort);
                TestSubscriber mqtt = TestSubscriber.open(broker.url(), false, "bench/+/motion")) {
            long analysisBefore = threadCpuNanos(service.pid(), "motion-analysi");
            long processBefore = processCpuNanos(service.pid());
            Map<String, List<Instant>> firstMovingSent = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            int total = seconds * FPS;
            List<String> errors = new CopyOnWriteArrayList<>();
            for (int c = 0; c < CAMERAS; c++) {
                String camera = "127.0.0." + (101 + c);
                long offset = TimeUnit.SECONDS.toNanos(1) / FPS * c / CAMERAS; // spread
                                                                               // over a
                                                                               // frame's
                                                                               // time
                Thread thread = new Thread(() -> {
                    try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(camera),
                            service.images().getPort())) {
                        for (int i = 0; i < total; i++) {
                            long wait = start + offset + i * TimeUnit.SECONDS.toNanos(1) / FPS - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                            if (i % perCycle == firstMoving) {
                                firstMovingSent.computeIfAbsent(camera, k -> new CopyOnWriteArrayList<>())
                                    .add(Instant.now());
                            }
                            client.sendChunked(frames[i % perCycle]);
                            if (!"get message!!!".equals(client.reply(Duration.ofSeconds(2)))) {
                                errors.add(camera + " frame " + i + " unanswered");
                            }
                        }
                    }
                    catch (Exception ex) {
                        errors.add(camera + ": " + ex);
                    }
                }, "camera " + camera);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            double wall = (System.nanoTime() - start) / 1e9;
            long analysis = threadCpuNanos(service.pid(), "motion-analysi") - analysisBefore;
            long process = processCpuNanos(service.pid()) - processBefore;
            Thread.sleep(7000); // the last events end (post-capture)
            String metrics = metrics(httpPort);
            double analysed = metric(metrics, "udp_motion_frames_analysed_total");
            double skipped = metric(metrics, "udp_motion_frames_skipped_total");
            List<Double> latencies = new ArrayList<>();
            int crossings = 0;
            for (Map.Entry<String, List<Instant>> entry : firstMovingSent.entrySet()) {
                List<TestSubscriber.Message> on = mqtt.on("bench/" + entry.getKey() + "/motion")
                    .stream()
                    .filter(message -> message.text().equals("ON"))
                    .toList();
                for (Instant sent : entry.getValue()) {
                    crossings++;
                    on.stream()
                        .map(TestSubscriber.Message::arrived)
                        .filter(arrived -> !arrived.isBefore(sent) && arrived.isBefore(sent.plusSeconds(5)))
                        .findFirst()
                        .ifPresent(arrived -> latencies.add(Duration.between(sent, arrived).toNanos() / 1e6));
                }
            }
            double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            lines.add(String.format(Locale.ROOT,
                    "- %d cameras x %d fps of 640x480 (%,d bytes a frame, median) for %.0f s: %,.0f frames analysed, "
                            + "%,.0f skipped; the analysis thread used **%.3f of a core** (%.1f s of CPU), the whole "
                            + "service %.2f cores; %s",
                    CAMERAS, FPS, medianLength(frames), wall, analysed, skipped, analysis / 1e9 / wall, analysis / 1e9,
                    process / 1e9 / wall, errors.isEmpty() ? "every frame answered" : errors.size() + " errors"));
            lines.add(String.format(Locale.ROOT,
                    "- motion ON on MQTT after a crossing's first moving frame was sent: %d of %d crossings told; "
                            + "p50 %.0f ms, p95 %.0f ms, **p99 %.0f ms**, max %.0f ms",
                    sorted.length, crossings, percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99),
                    sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]));
            errors.stream().limit(5).forEach(error -> lines.add("  - " + error));
        }
        return lines;
    }

    /**
     * CPU time of the service's threads whose name starts with {@code name} (15
     * characters at most).
     */
    private static long threadCpuNanos(long pid, String name) throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().startsWith(name)) {
                        ticks += ticks(Files.readString(task.resolve("stat")));
                    }
                }
                catch (IOException ex) {
                    // the thread ended
                }
            }
        }
        return ticks * 10_000_000L;
    }

    private static long processCpuNanos(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat"))) * 10_000_000L;
    }

    /** utime + stime of a /proc stat line, in clock ticks (100 a second). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String metrics(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString())
            .body();
    }

    /** The sum of a metric's series. */
    private static double metric(String metrics, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(2));
        }
        return sum;
    }

    private static int medianLength(byte[][] frames) {
        return Arrays.stream(frames).mapToInt(frame -> frame.length).sorted().toArray()[frames.length / 2];
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.2f", v)).toList().toString();
    }

}
