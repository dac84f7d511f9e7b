package dev.udpimage.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.udpimage.protocol.reliable.DatagramLink;
import dev.udpimage.protocol.reliable.ReliableSender;
import dev.udpimage.support.Impairer;
import dev.udpimage.support.LossyRelay;
import dev.udpimage.support.TestImages;

/**
 * The performance benchmark: starts the packaged service (and, when {@code /usr/bin/python3} has OpenCV, the
 * Python reference receiver {@code seed_server.py}), drives both with the same fast legacy sender and prints
 * a table. Run it with {@code mvn -Pbench verify}.
 *
 * <p>Arguments: the build directory (holding the service jar), the seedproto directory, and optional
 * {@code quick} for a smaller run. Figures are for comparison in one run on one machine, not absolute.
 */
public final class Bench {

    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The service's heap in the benchmark, as one would size it in production: enough for the kept history
     * and transfers, while an unbounded default heap (a quarter of the machine) only lets garbage pile up.
     */
    static final String SERVICE_HEAP = "-Xmx384m";

    /** One measured workload. */
    record Row(String workload, String target, int sent, int completed, long bytes, double seconds,
            long[] latenciesNanos) {

        double perSecond() {
            return this.completed / this.seconds;
        }

        double megabytesPerSecond() {
            return this.completed * (double) this.bytes / this.seconds / 1e6;
        }

        double percentileMs(double p) {
            if (this.latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = this.latenciesNanos.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }
    }

    /** A workload against one receiver. */
    interface Workload {
        Row run(String target, InetSocketAddress images, InetSocketAddress lists) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path build = Path.of(args.length > 0 ? args[0] : "target");
        Path seedproto = Path.of(args.length > 1 ? args[1] : "../shared/seedproto");
        boolean quick = args.length > 2 && "quick".equals(args[2]);
        int scale = quick ? 5 : 1;

        System.out.println("Generating deterministic photo-like JPEGs...");
        byte[] small = TestImages.jpeg(TestImages.photo(200, 150, 24, 1), 0.85f);
        byte[] medium = TestImages.jpeg(TestImages.photo(800, 600, 40, 2), 0.9f);
        byte[] large = TestImages.jpeg(TestImages.photo(1920, 1440, 40, 3), 0.9f);
        byte[] huge = TestImages.jpeg(TestImages.photo(4000, 3000, 60, 4), 0.92f);
        System.out.printf(Locale.ROOT, "image sizes: %,d / %,d / %,d / %,d bytes%n", small.length, medium.length,
                large.length, huge.length);

        List<Workload> workloads = List.of(
                (t, img, lst) -> stopAndWait("10 KB x " + 2000 / scale, t, img, small, 2000 / scale),
                (t, img, lst) -> stopAndWait("200 KB x " + 200 / scale, t, img, medium, 200 / scale),
                (t, img, lst) -> stopAndWait("1.8 MB x " + 20 / scale, t, img, large, 20 / scale),
                (t, img, lst) -> stopAndWait("9 MB x " + Math.max(1, 5 / scale), t, img, huge,
                        Math.max(1, 5 / scale)),
                (t, img, lst) -> concurrent("8 senders x " + 50 / scale + " x 200 KB", t, img, medium, 8,
                        50 / scale),
                (t, img, lst) -> lists("JSON lists x " + 5000 / scale, t, lst, 5000 / scale),
                (t, img, lst) -> recovery("recovery after a lost datagram", t, img, medium));

        List<Row> rows = new ArrayList<>();
        List<String> reliableRows = new ArrayList<>();
        Path jar = serviceJar(build);
        try (ServiceProcess service = ServiceProcess.start(jar, build.resolve("bench-service.log"))) {
            System.out.println("Service started (pid " + service.pid() + "); warming up...");
            for (int round = 0; round < 3; round++) { // until the JIT has compiled the hot paths
                stopAndWait("warm-up", "service", service.images(), small, 2000 / scale);
                stopAndWait("warm-up", "service", service.images(), medium, 50 / scale);
                stopAndWait("warm-up", "service", service.images(), large, 3);
                lists("warm-up", "service", service.lists(), 5000 / scale);
            }
            for (Workload workload : workloads) {
                Row row = workload.run("service", service.images(), service.lists());
                print(row);
                rows.add(row);
            }
            long legacyPeakRss = service.peakRssMb();
            System.out.printf(Locale.ROOT, "service RSS after the legacy rows: peak %d MB%n", legacyPeakRss);
            byte[] twoMb = TestImages.jpeg(TestImages.photo(2300, 1700, 40, 5), 0.9f);
            reliableRows.add(reliable("9 MB x " + Math.max(1, 5 / scale) + ", no loss", service.images(), huge,
                    Math.max(1, 5 / scale), null));
            reliableRows.add(reliable("1.8 MB x " + 20 / scale + ", no loss", service.images(), large, 20 / scale,
                    null));
            reliableRows.add(reliable(String.format(Locale.ROOT, "%.1f MB x %d, 5%% loss 5%% reorder 1%% dup 0.1%% "
                    + "corrupt", twoMb.length / 1e6, 100 / scale), service.images(), twoMb, 100 / scale,
                    new Impairer.Rates(0.05, 0.05, 0.01, 0.001)));
            reliableRows.add(reliable(String.format(Locale.ROOT, "%.1f MB x 3, 30%% loss", twoMb.length / 1e6),
                    service.images(), twoMb, 3, new Impairer.Rates(0.30, 0.05, 0.01, 0.001)));
            rows.add(null);
            System.out.printf(Locale.ROOT, "service RSS: peak %d MB, now %d MB%n", service.peakRssMb(),
                    service.rssMb());
            rows.add(new Row("service peak RSS " + legacyPeakRss + " MB after the legacy rows, " + service.peakRssMb()
                    + " MB after the reliable-mode rows too", "service", 0, 0, 0, 1, new long[0]));
        }

        if (ReferenceProcess.available(seedproto)) {
            for (Workload workload : workloads) {
                // a fresh reference per workload: once it wedges, it stays wedged
                try (ReferenceProcess reference = ReferenceProcess.start(seedproto)) {
                    Row row = workload.run("reference", reference.images(), reference.lists());
                    print(row);
                    rows.add(row);
                }
            }
        }
        else {
            System.out.println("(no /usr/bin/python3 with OpenCV: reference column skipped)");
        }
        List<Row> bare = new ArrayList<>();
        for (Workload workload : workloads) {
            // a fresh bare loop per workload too: it has no stall timeout, a loss wedges it like the reference
            try (BareProcess loop = BareProcess.start()) {
                Row row = workload.run("bare loop", loop.images(), loop.lists());
                print(row);
                bare.add(row);
            }
        }
        System.out.println();
        System.out.println(table(rows, bare));
        System.out.println("Reliable mode (Java sender -> service image port; lossy rows through the seeded relay):");
        System.out.println();
        System.out.println("| workload | completed/sent | MB/s | retransmissions | p50 / p99 ms |");
        System.out.println("| --- | --- | --- | --- | --- |");
        reliableRows.forEach(System.out::println);
    }

    // ---- workloads ------------------------------------------------------------------------------------------

    static Row stopAndWait(String name, String target, InetSocketAddress address, byte[] image, int count)
            throws IOException {
        long[] latencies = new long[count];
        int completed = 0;
        int failuresInARow = 0;
        int sent = 0;
        long started = System.nanoTime();
        try (LegacyLoad load = new LegacyLoad(address, REPLY_TIMEOUT)) {
            while (sent < count && failuresInARow < 3) {
                long t0 = System.nanoTime();
                String reply = load.sendImage(image);
                sent++;
                if ("get message!!!".equals(reply)) {
                    latencies[completed++] = System.nanoTime() - t0;
                    failuresInARow = 0;
                }
                else {
                    failuresInARow++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Row(name, target, count, completed, image.length, seconds, Arrays.copyOf(latencies, completed));
    }

    static Row concurrent(String name, String target, InetSocketAddress address, byte[] image, int senders,
            int each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long started = System.nanoTime();
        try {
            List<Future<Row>> results = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                results.add(pool.submit(() -> stopAndWait(name, target, address, image, each)));
            }
            int completed = 0;
            List<long[]> latencies = new ArrayList<>();
            for (Future<Row> result : results) {
                completed += result.get().completed();
                latencies.add(result.get().latenciesNanos());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Row(name, target, senders * each, completed, image.length, seconds,
                    latencies.stream().flatMapToLong(Arrays::stream).toArray());
        }
        finally {
            pool.shutdownNow();
        }
    }

    static Row lists(String name, String target, InetSocketAddress address, int count) throws IOException {
        long[] latencies = new long[count];
        int completed = 0;
        long started = System.nanoTime();
        try (LegacyLoad load = new LegacyLoad(address, REPLY_TIMEOUT)) {
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                if ("get the msg".equals(load.sendList("[0, 0, 0, " + i + "]"))) {
                    latencies[completed++] = System.nanoTime() - t0;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Row(name, target, count, completed, 0, seconds, Arrays.copyOf(latencies, completed));
    }

    /**
     * A transfer loses its second half; the same client (same source port) then retries the image every
     * 200 ms. The row's latency is the time from the last datagram that arrived to the first success.
     */
    static Row recovery(String name, String target, InetSocketAddress address, byte[] image) throws IOException {
        try (LegacyLoad load = new LegacyLoad(address, Duration.ofMillis(200))) {
            load.sendHalf(image);
            long brokenAt = System.nanoTime();
            long deadline = brokenAt + Duration.ofSeconds(10).toNanos();
            int attempts = 0;
            while (System.nanoTime() < deadline) {
                attempts++;
                if (load.retryImageSameSocket(image)) {
                    long nanos = System.nanoTime() - brokenAt;
                    return new Row(name, target, attempts, 1, 0, nanos / 1e9, new long[] { nanos });
                }
            }
            return new Row(name, target, attempts, 0, 0, 10, new long[0]);
        }
    }

    /** Reliable-mode transfers of one image, directly or through a lossy relay; a table row. */
    static String reliable(String name, InetSocketAddress service, byte[] image, int count, Impairer.Rates loss)
            throws Exception {
        LossyRelay relay = loss == null ? null : new LossyRelay(service.getPort(), loss, 42);
        InetSocketAddress target = relay == null ? service
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
        long[] latencies = new long[count];
        int completed = 0;
        int retransmissions = 0;
        long started = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                try (DatagramLink link = new DatagramLink(target)) {
                    ReliableSender.Result result = new ReliableSender().send(image, link,
                            new ReliableSender.Options(8192, ReliableSender.Options.DEFAULT.window(),
                            Duration.ofSeconds(60)));
                    retransmissions += result.retransmissions();
                    latencies[completed++] = System.nanoTime() - t0;
                }
                catch (ReliableSender.TransferFailed failed) {
                    System.out.println("  reliable transfer failed: " + failed.getMessage());
                }
            }
        }
        finally {
            if (relay != null) {
                relay.close();
            }
        }
        Row row = new Row(name, "reliable", count, completed, image.length, (System.nanoTime() - started) / 1e9,
                Arrays.copyOf(latencies, completed));
        String line = String.format(Locale.ROOT, "| %s | %d/%d | %.1f | %d | %.1f / %.1f |", name, completed, count,
                row.megabytesPerSecond(), retransmissions, row.percentileMs(0.5), row.percentileMs(0.99));
        System.out.println("  " + line);
        return line;
    }

    // ---- output ---------------------------------------------------------------------------------------------

    private static void print(Row row) {
        System.out.printf(Locale.ROOT, "  %-28s %-9s %5d/%-5d %9.1f/s %8.1f MB/s%n", row.workload(), row.target(),
                row.completed(), row.sent(), row.perSecond(), row.megabytesPerSecond());
    }

    static String table(List<Row> rows, List<Row> bare) {
        StringBuilder out = new StringBuilder();
        out.append("| workload | completed/sent (service) | per s (service) | MB/s (service) | p50 / p99 ms (service)"
                + " | completed/sent (reference) | per s (reference) | service / reference"
                + " | completed/sent (bare Java loop) | per s (bare Java loop) |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        int split = rows.indexOf(null);
        List<Row> service = rows.subList(0, split);
        List<Row> reference = rows.subList(split + 2, rows.size());
        for (int i = 0; i < service.size(); i++) {
            Row s = service.get(i);
            Row r = i < reference.size() ? reference.get(i) : null;
            Row b = i < bare.size() ? bare.get(i) : null;
            out.append(String.format(Locale.ROOT, "| %s | %d/%d | %.1f | %s | %.2f / %.2f | %s | %s | %s | %s | %s |%n",
                    s.workload(), s.completed(), s.sent(), s.perSecond(),
                    s.bytes() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", s.megabytesPerSecond()),
                    s.percentileMs(0.5), s.percentileMs(0.99),
                    r == null ? "-" : r.completed() + "/" + r.sent(),
                    r == null ? "-" : String.format(Locale.ROOT, "%.1f", r.perSecond()),
                    r == null || r.completed() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.1fx", s.perSecond() / r.perSecond()),
                    b == null ? "-" : b.completed() + "/" + b.sent(),
                    b == null ? "-" : String.format(Locale.ROOT, "%.1f", b.perSecond())));
        }
        out.append(rows.get(split + 1).workload()).append('\n');
        return out.toString();
    }

    // ---- processes ------------------------------------------------------------------------------------------

    private static Path serviceJar(Path build) throws IOException {
        try (Stream<Path> files = Files.list(build)) {
            return files.filter(p -> p.getFileName().toString().matches("udp-image-service-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no service jar in " + build
                            + ": run `mvn -Pbench verify`, which packages it first"));
        }
    }

    static int freePort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the list port answers, i.e. the receiver is up. */
    static void awaitListPort(InetSocketAddress lists, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (LegacyLoad probe = new LegacyLoad(lists, Duration.ofMillis(200))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("process exited with " + process.exitValue());
                }
                if ("get the msg".equals(probe.sendList("[0]"))) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("receiver did not come up within 60 s");
    }

    /** The packaged service as a process of its own, so that its memory can be read from /proc. */
    record ServiceProcess(Process process, InetSocketAddress images, InetSocketAddress lists)
            implements AutoCloseable {

        static ServiceProcess start(Path jar, Path log) throws IOException, InterruptedException {
            int image = freePort();
            int list = freePort();
            List<String> command = new ArrayList<>(List.of("java", SERVICE_HEAP));
            String jvmOptions = System.getenv("BENCH_SERVICE_JVM_OPTS"); // e.g. a flight recording
            if (jvmOptions != null && !jvmOptions.isBlank()) {
                command.addAll(List.of(jvmOptions.trim().split("\\s+")));
            }
            Path store = log.resolveSibling("bench-store");
            if (Files.isDirectory(store)) { // start empty: nothing of an earlier run to load
                try (Stream<Path> files = Files.walk(store)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            command.addAll(List.of("-jar", jar.toString(), "--server.port=0", "--udp.bind-address=127.0.0.1",
                    "--udp.image-port=" + image, "--udp.list-port=" + list, "--udp.store.dir=" + store));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            InetAddress loopback = InetAddress.getLoopbackAddress();
            ServiceProcess service = new ServiceProcess(process, new InetSocketAddress(loopback, image),
                    new InetSocketAddress(loopback, list));
            awaitListPort(service.lists(), process);
            return service;
        }

        long pid() {
            return this.process.pid();
        }

        long peakRssMb() throws IOException {
            return statusKb("VmHWM") / 1024;
        }

        long rssMb() throws IOException {
            return statusKb("VmRSS") / 1024;
        }

        private long statusKb(String field) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        @Override
        public void close() throws InterruptedException {
            this.process.destroy();
            this.process.waitFor();
        }
    }

    /** Starts a receiver process and waits for the "ready" line it prints once its ports are bound. */
    static Process startReady(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(out.readLine())) {
            process.destroyForcibly();
            throw new IllegalStateException("did not start: " + String.join(" ", command));
        }
        return process;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** {@link BareReceiver} as its own JVM, on two free ports. */
    record BareProcess(Process process, InetSocketAddress images, InetSocketAddress lists) implements AutoCloseable {

        static BareProcess start() throws IOException {
            int image = freePort();
            int list = freePort();
            Process process = startReady(List.of("java", SERVICE_HEAP, "-cp", System.getProperty("java.class.path"),
                    BareReceiver.class.getName(), String.valueOf(image), String.valueOf(list)));
            return new BareProcess(process, loopback(image), loopback(list));
        }

        @Override
        public void close() throws InterruptedException {
            this.process.destroyForcibly();
            this.process.waitFor();
        }
    }

    /** {@code seed_server.py}, the Python reference receiver, on two free ports. */
    record ReferenceProcess(Process process, InetSocketAddress images, InetSocketAddress lists)
            implements AutoCloseable {

        static final Path PYTHON = Path.of("/usr/bin/python3");

        static boolean available(Path seedproto) throws InterruptedException {
            try {
                return Files.isRegularFile(seedproto.resolve("seed_server.py")) && new ProcessBuilder(
                        PYTHON.toString(), "-c", "import cv2, numpy").start().waitFor() == 0;
            }
            catch (IOException ex) {
                return false;
            }
        }

        static ReferenceProcess start(Path seedproto) throws IOException {
            int image = freePort();
            int list = freePort();
            Process process = startReady(List.of(PYTHON.toString(), seedproto.resolve("seed_server.py").toString(),
                    String.valueOf(image), String.valueOf(list)));
            return new ReferenceProcess(process, loopback(image), loopback(list));
        }

        @Override
        public void close() throws InterruptedException {
            this.process.destroyForcibly();
            this.process.waitFor();
        }
    }

    private Bench() {
    }
}
