package dev.udpimage.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * all in one run. Images and lists a second with the recording on and off (10 KB and 1.8
 * MB images and JSON lists, one sender, five alternating passes, each after a warm-up
 * past the JIT's thresholds and with the JIT idle), lists against the Python reference
 * receiver in the same passes, {@code sync} on and off, system calls per frame; the
 * recording's write rate against the disk's own sequential rate
 * ({@code dd conv=fdatasync} in the same run); export speed of 640x480 frames;
 * {@code frame?at=} latency in a recording of 2 million frames (a tenth with
 * {@code quick}); the RSS of a service on that recording against one on an empty
 * recording.
 */
final class RecordingBench {

    private static final int PASSES = 5;

    private static final Pattern RECEIVED_AT = Pattern.compile("\"(from|to)\":\"([^\"]+)\"");

    private RecordingBench() {
    }

    /** The rates of one workload, on and off, pass by pass. */
    private static final class Rates {

        final String name;

        final double[] on = new double[PASSES];

        final double[] off = new double[PASSES];

        Rates(String name) {
            this.name = name;
        }

        String row(int passes) {
            double[] ratios = new double[passes];
            for (int p = 0; p < passes; p++) {
                ratios[p] = this.on[p] / this.off[p];
            }
            return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | **%.2f** (%.2f-%.2f) |", this.name,
                    median(Arrays.copyOf(this.on, passes)), median(Arrays.copyOf(this.off, passes)),
                    Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), median(ratios),
                    Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0));
        }

    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    static List<String> run(Sender sender, Path jar, List<String> jvmOptions, Path build, Path seedproto, byte[] small,
            byte[] large, int scale) throws Exception {
        int passes = scale > 1 ? 2 : PASSES;
        int smallCount = 20000 / scale;
        // lists go at 30 000-50 000 a second: 100 000 make a row of seconds, not a
        // fraction of one that a force or a compile decides
        int listCount = 100000 / scale;
        int largeCount = 150 / scale;
        Rates smallRates = new Rates("10 KB x " + smallCount + ", 1 sender");
        Rates listRates = new Rates("JSON lists x " + listCount + ", 1 sender");
        Rates largeRates = new Rates("1.8 MB x " + largeCount + ", 1 sender");
        double[] reference = new double[PASSES];
        boolean withReference = Processes.ReferenceProcess.available(seedproto);
        for (int pass = 0; pass < passes; pass++) {
            // the order alternates, so that neither side always runs on a warmer machine
            boolean[] order = pass % 2 == 0 ? new boolean[] { true, false } : new boolean[] { false, true };
            for (boolean on : order) {
                String name = on ? "on" : "off";
                System.out.println("recording " + name + ", pass " + (pass + 1) + "; warming up...");
                try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                        build.resolve("bench-recording-" + name + "-" + (pass + 1) + ".log"),
                        List.of("--udp.recording.enabled=" + on))) {
                    // past the JIT's compile thresholds, and the JIT done, before
                    // measuring
                    sender.stopAndWait("warm-up", name, service.images(), small, 8000 / scale);
                    // past C2's thresholds for the list path too (8 000 were not)
                    sender.lists("warm-up", name, service.lists(), 30000 / scale);
                    sender.stopAndWait("warm-up", name, service.images(), large, 5);
                    service.awaitCompilerIdle();
                    Row smallRow = sender.stopAndWait(smallRates.name, name, service.images(), small, smallCount);
                    Row listRow = sender.lists(listRates.name, name, service.lists(), listCount);
                    Row largeRow = sender.stopAndWait(largeRates.name, name, service.images(), large, largeCount);
                    (on ? smallRates.on : smallRates.off)[pass] = smallRow.perSecond();
                    (on ? listRates.on : listRates.off)[pass] = listRow.perSecond();
                    (on ? largeRates.on : largeRates.off)[pass] = largeRow.perSecond();
                    List.of(smallRow, listRow, largeRow).forEach(Report::print);
                }
            }
            if (withReference) {
                try (Rounds.Receiver python = Processes.ReferenceProcess.start(seedproto)) {
                    sender.lists("warm-up", "reference", python.lists(), 2000 / scale);
                    Row row = sender.lists(listRates.name, "reference", python.lists(), listCount);
                    Report.print(row);
                    reference[pass] = row.perSecond();
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines
            .add("| workload | recording on, per s (median) | off, per s (median) | on/off by pass | median (range) |");
        lines.add("| --- | --- | --- | --- | --- |");
        lines.add(smallRates.row(passes));
        lines.add(listRates.row(passes));
        lines.add(largeRates.row(passes));
        lines.add("");
        if (withReference) {
            double[] ratios = new double[passes];
            for (int p = 0; p < passes; p++) {
                ratios[p] = listRates.on[p] / reference[p];
            }
            lines.add(String.format(Locale.ROOT,
                    "- lists with the recording on against the Python reference receiver, same passes: %s, median "
                            + "**%.2fx** (reference %.0f lists/s, median)",
                    Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), median(ratios),
                    median(Arrays.copyOf(reference, passes))));
        }
        lines.add(sync(sender, jar, jvmOptions, build, small, scale));
        lines.add(syscalls(sender, jar, jvmOptions, build, small, scale));
        lines.add(String.format(Locale.ROOT,
                "- the disk's own sequential write rate (dd bs=1M count=512 conv=fdatasync): %.0f MB/s; the "
                        + "recording wrote the 1.8 MB rows at %.0f MB/s (median, each frame once, async)",
                ddMegabytesPerSecond(build), median(Arrays.copyOf(largeRates.on, passes)) * large.length / 1e6));
        lines.add(export(sender, jar, jvmOptions, build, scale));
        lines.addAll(lookups(sender, jar, jvmOptions, build, scale));
        return lines;
    }

    /** {@code sync}: the recording on against off, three alternating passes. */
    private static String sync(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small, int scale)
            throws Exception {
        int count = 3000 / scale;
        double[] on = new double[3];
        double[] off = new double[3];
        for (int pass = 0; pass < 3; pass++) {
            for (boolean recording : pass % 2 == 0 ? new boolean[] { true, false } : new boolean[] { false, true }) {
                String name = "sync, recording " + (recording ? "on" : "off");
                try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                        build.resolve("bench-sync-" + recording + ".log"),
                        List.of("--udp.recording.enabled=" + recording, "--udp.store.durability=sync"))) {
                    sender.stopAndWait("warm-up", name, service.images(), small, 2000 / scale);
                    service.awaitCompilerIdle();
                    Row row = sender.stopAndWait("10 KB x " + count + ", sync", name, service.images(), small, count);
                    Report.print(row);
                    (recording ? on : off)[pass] = row.perSecond();
                }
            }
        }
        double[] ratios = new double[3];
        for (int p = 0; p < 3; p++) {
            ratios[p] = on[p] / off[p];
        }
        return String.format(Locale.ROOT,
                "- `sync`, 10 KB x %d, 1 sender: recording on %.0f/s, off %.0f/s (medians); on/off by pass %s, "
                        + "median **%.2f**",
                count, median(on), median(off),
                Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), median(ratios));
    }

    /**
     * System calls per frame, all the service's threads, with the recording on and off:
     * {@code strace -c -f} attached for one run of 10 KB frames (strace slows what it
     * watches: this counts calls, it measures no speed).
     */
    private static String syscalls(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small,
            int scale) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/strace"))) {
            return "- system calls per frame: not measured (no /usr/bin/strace)";
        }
        int count = 5000 / scale;
        StringBuilder line = new StringBuilder("- system calls per 10 KB frame (strace -c -f, " + count + " frames): ");
        for (boolean on : new boolean[] { true, false }) {
            try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                    build.resolve("bench-strace-" + on + ".log"), List.of("--udp.recording.enabled=" + on))) {
                sender.stopAndWait("warm-up", "strace", service.images(), small, 5000 / scale);
                service.awaitCompilerIdle();
                Path out = build.resolve("bench-strace-" + on + ".txt");
                Process strace = new ProcessBuilder("strace", "-c", "-f", "-o", out.toString(), "-p",
                        String.valueOf(service.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(build.resolve("bench-strace.log").toFile())
                    .start();
                Thread.sleep(1000);
                sender.stopAndWait("strace", "service", service.images(), small, count);
                Thread.sleep(500); // what the writer does after the last reply
                new ProcessBuilder("kill", "-INT", String.valueOf(strace.pid())).start().waitFor();
                strace.waitFor();
                long total = 0;
                StringBuilder top = new StringBuilder();
                for (String row : Files.readAllLines(out)) {
                    String[] fields = row.trim().split("\\s+");
                    if (row.contains("total") && fields.length >= 4) {
                        total = Long.parseLong(fields[fields.length - 3].equals("total") ? fields[2] : fields[3]);
                    }
                    else if (fields.length >= 5 && fields[0].matches("[0-9.]+") && top.length() < 200) {
                        top.append(String.format(Locale.ROOT, "%s %.2f, ", fields[fields.length - 1],
                                Long.parseLong(fields[3]) / (double) count));
                    }
                }
                line.append(String.format(Locale.ROOT, "recording %s **%.1f** (%s...); ", on ? "on" : "off",
                        total / (double) count, top));
            }
        }
        return line.toString();
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

    /**
     * Export speed: 640x480 frames recorded at full speed with a list after every tenth,
     * then the same range exported as MKV and as MCAP (frames and lists), alternately,
     * three times each, by the service at its default heap.
     */
    private static String export(Sender sender, Path jar, List<String> jvmOptions, Path build, int scale)
            throws Exception {
        byte[] vga = TestImages.jpeg(TestImages.photo(640, 480, 30, 6), 0.85f);
        // a recording of about 1 GB: more than the default heap could hold
        int frames = 10000 / scale;
        int http = freeTcpPort();
        try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions, build.resolve("bench-export.log"),
                List.of(), build.resolve("bench-store"), true, http)) {
            for (int part = 0; part < 10; part++) {
                sender.stopAndWait("640x480 frames", "service", service.images(), vga, frames / 10);
                sendLists(service.lists(), frames / 100, part * frames / 100);
            }
            HttpClient client = HttpClient.newHttpClient();
            String[] formats = { "mkv", "mcap" };
            double[][] rates = new double[2][3];
            long[] bytes = new long[2];
            for (int round = 0; round < 3; round++) {
                for (int f = 0; f < 2; f++) {
                    // alternating, the other first every other round
                    int which = (f + round) % 2;
                    long started = System.nanoTime();
                    HttpResponse<InputStream> response = client.send(HttpRequest
                        .newBuilder(URI.create("http://127.0.0.1:" + http
                                + "/recordings/export?sender=127.0.0.1&format=" + formats[which]))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream body = response.body()) {
                        bytes[which] = body.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(formats[which] + " export answered " + response.statusCode());
                    }
                    rates[which][round] = frames / ((System.nanoTime() - started) / 1e9);
                }
            }
            return String.format(Locale.ROOT,
                    "- export of %,d frames of 640x480 (%,d bytes each) and %,d lists, the service at its default heap:"
                            + " MKV %.0f MB, %s frames/s (best %.0fx real time at 25 fps); MCAP %.0f MB, %s frames/s;"
                            + " MCAP/MKV by round %s",
                    frames, vga.length, frames / 10, bytes[0] / 1e6, joined(rates[0]), max(rates[0]) / 25,
                    bytes[1] / 1e6, joined(rates[1]), ratios(rates[1], rates[0]));
        }
    }

    /** Lists as udp_client_2.py sends them, each waiting for its reply. */
    private static void sendLists(InetSocketAddress port, int count, int first) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(2000);
            byte[] reply = new byte[64];
            for (int i = first; i < first + count; i++) {
                byte[] list = ("[" + i + ", " + (i * 0.5) + ", 0, 7]").getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(list, list.length, port));
                socket.receive(new DatagramPacket(reply, reply.length));
            }
        }
    }

    private static String joined(double[] rates) {
        StringBuilder text = new StringBuilder();
        for (double rate : rates) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", rate));
        }
        return text.toString();
    }

    private static double max(double[] rates) {
        double best = 0;
        for (double rate : rates) {
            best = Math.max(best, rate);
        }
        return best;
    }

    private static String ratios(double[] a, double[] b) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", a[i] / b[i]));
        }
        return text.toString();
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
