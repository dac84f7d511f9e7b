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
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.udpimage.protocol.reliable.DatagramLink;
import dev.udpimage.protocol.reliable.ReliableSender;
import dev.udpimage.receive.SocketDrops;
import dev.udpimage.support.Impairer;
import dev.udpimage.support.LossyRelay;
import dev.udpimage.support.TestImages;

/**
 * The performance benchmark: starts the packaged service (and, when {@code /usr/bin/python3} has OpenCV, the
 * Python reference receiver {@code seed_server.py}), drives both with the same fast legacy sender and prints
 * a table. Run it with {@code mvn -Pbench verify}.
 *
 * <p>Arguments: the build directory (holding the service jar), the seedproto directory, and optional
 * {@code quick} for a smaller run or {@code reliable} for the reliable-mode rows only, and the service's JVM
 * options. Figures are for comparison in one run on one
 * machine, not absolute.
 */
public final class Bench {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The service's JVM options when none are passed: pom.xml's {@code service.jvm.options}, which
     * {@code mvn -Pbench verify} passes, as {@code mvn spring-boot:run} uses them.
     */
    static final String SERVICE_JVM_OPTIONS = "-Xms304m -Xmx304m -XX:G1HeapRegionSize=2m -XX:+AlwaysPreTouch"
            + " -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=75";

    /** The bare Java loop's heap: the service's, though it needs far less. */
    static final String BARE_HEAP = "-Xmx304m";

    private static List<String> serviceJvmOptions = List.of(SERVICE_JVM_OPTIONS.split(" "));

    /**
     * One measured workload.
     *
     * @param socketDrops datagrams the kernel dropped on the receiver's full sockets meanwhile; -1 if unknown
     */
    record Row(String workload, String target, int sent, int completed, long bytes, double seconds,
            long[] latenciesNanos, long socketDrops) {

        Row(String workload, String target, int sent, int completed, long bytes, double seconds,
                long[] latenciesNanos) {
            this(workload, target, sent, completed, bytes, seconds, latenciesNanos, -1);
        }

        Row withSocketDrops(long drops) {
            return new Row(this.workload, this.target, this.sent, this.completed, this.bytes, this.seconds,
                    this.latenciesNanos, drops);
        }

        /** completed/sent, and the socket drops if there were any. */
        String completedOfSent() {
            return this.completed + "/" + this.sent
                    + (this.socketDrops > 0 ? String.format(Locale.ROOT, " (%,d dropped)", this.socketDrops) : "");
        }

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

    /** A workload, measured {@code rounds} times against each receiver and reported by one round, the median. */
    record Workload(int rounds, Run run) {

        static Workload once(Run run) {
            return new Workload(1, run);
        }

        /** For the rows whose target is a rate relative to the reference. */
        static Workload medianOf(int rounds, Run run) {
            return new Workload(rounds, run);
        }
    }

    /** One round of a workload. */
    interface Run {
        Row run(String target, InetSocketAddress images, InetSocketAddress lists) throws Exception;
    }

    /**
     * Rounds per row whose target is a rate relative to the reference (10 KB images, lists): a moment when the
     * machine is slow for one receiver moves no such row.
     */
    static final int RATIO_ROUNDS = 5;

    /** The legacy sender that drives every receiver in a run: {@link NativeSender}, or {@link JavaSender}. */
    interface Sender {

        String describe();

        Row stopAndWait(String name, String target, InetSocketAddress address, byte[] image, int count)
                throws Exception;

        Row concurrent(String name, String target, InetSocketAddress address, byte[] image, int senders, int each)
                throws Exception;

        Row lists(String name, String target, InetSocketAddress address, int count) throws Exception;
    }

    /** A receiver process (the bare loops, the Python reference) and its two ports. */
    record Receiver(Process process, InetSocketAddress images, InetSocketAddress lists) implements AutoCloseable {

        @Override
        public void close() throws InterruptedException {
            if (this.process != null) { // null: the service, which outlives a workload
                this.process.destroyForcibly();
                this.process.waitFor();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path build = Path.of(args.length > 0 ? args[0] : "target");
        Path seedproto = Path.of(args.length > 1 ? args[1] : "../shared/seedproto");
        String mode = args.length > 2 ? args[2] : "full";
        boolean quick = "quick".equals(mode);
        boolean legacy = !"reliable".equals(mode); // reliable: only the reliable-mode rows
        if (args.length > 3 && !args[3].isBlank()) {
            serviceJvmOptions = List.of(args[3].trim().split("\\s+"));
        }
        int scale = quick ? 5 : 1;

        System.out.println("Generating deterministic photo-like JPEGs...");
        byte[] small = TestImages.jpeg(TestImages.photo(200, 150, 24, 1), 0.85f);
        byte[] medium = TestImages.jpeg(TestImages.photo(800, 600, 40, 2), 0.9f);
        byte[] large = TestImages.jpeg(TestImages.photo(1920, 1440, 50, 3), 0.92f); // 1.78 MB
        byte[] huge = TestImages.jpeg(TestImages.photo(4000, 3000, 60, 4), 0.92f);
        System.out.printf(Locale.ROOT, "image sizes: %,d / %,d / %,d / %,d bytes%n", small.length, medium.length,
                large.length, huge.length);

        Optional<NativeSender> nativeTools = NativeSender.compile(build.getParent().resolve("src/test/c"), build);
        Sender sender = nativeTools.<Sender>map(tools -> tools).orElseGet(JavaSender::new);
        System.out.println("Legacy sender: " + sender.describe());

        String median = ", median of " + RATIO_ROUNDS;
        List<Workload> workloads = List.of(
                Workload.medianOf(RATIO_ROUNDS, (t, img, lst) -> sender.stopAndWait("10 KB x " + 5000 / scale
                        + median, t, img, small, 5000 / scale)),
                Workload.once((t, img, lst) -> sender.stopAndWait("200 KB x " + 200 / scale, t, img, medium,
                        200 / scale)),
                Workload.once((t, img, lst) -> sender.stopAndWait("1.8 MB x " + 20 / scale, t, img, large,
                        20 / scale)),
                Workload.once((t, img, lst) -> sender.stopAndWait("9 MB x " + Math.max(1, 5 / scale), t, img, huge,
                        Math.max(1, 5 / scale))),
                Workload.once((t, img, lst) -> sender.concurrent("8 senders x " + 50 / scale + " x 200 KB", t, img,
                        medium, 8, 50 / scale)),
                Workload.medianOf(RATIO_ROUNDS, (t, img, lst) -> sender.lists("JSON lists x " + 20000 / scale
                        + median, t, lst, 20000 / scale)),
                Workload.once((t, img, lst) -> recovery("recovery after a lost datagram", t, img, medium)));

        boolean withReference = legacy && ReferenceProcess.available(seedproto);
        List<Row> service = new ArrayList<>();
        List<Row> reference = new ArrayList<>();
        List<String> reliableRows = new ArrayList<>();
        String rss;
        Path jar = serviceJar(build);
        Path serviceLog = build.resolve("bench-service.log");
        try (ServiceProcess process = ServiceProcess.start(jar, serviceLog)) {
            System.out.println("Service started (pid " + process.pid() + "); warming up...");
            try (Stream<String> log = Files.lines(serviceLog)) { // its socket buffer: forced past rmem_max or not
                log.filter(line -> line.contains("UDP image port listening")).findFirst()
                        .ifPresent(line -> System.out.println("  " + line.substring(line.indexOf("UDP image port"))));
            }
            for (int round = 0; round < (legacy ? 3 : 0); round++) { // until the JIT has compiled the hot paths
                // 5 000 10 KB images a round: C2 compiles a method after about 5 000 calls, and the
                // per-image steps are called once an image
                sender.stopAndWait("warm-up", "service", process.images(), small, 5000 / scale);
                sender.stopAndWait("warm-up", "service", process.images(), medium, 50 / scale);
                sender.stopAndWait("warm-up", "service", process.images(), large, 3);
                sender.stopAndWait("warm-up", "service", process.images(), huge, 2);
                sender.lists("warm-up", "service", process.lists(), 20000 / scale);
            }
            if (legacy) {
                Map<String, ReceiverStarter> targets = new LinkedHashMap<>();
                // each service round starts once the JIT has compiled what the rounds before asked for: on 2
                // cores a compiler thread that is still busy takes the CPU a burst's receive thread needs
                targets.put("service", () -> {
                    process.thaw();
                    process.awaitCompilerIdle();
                    return new Receiver(null, process.images(), process.lists());
                });
                if (withReference) {
                    targets.put("reference", () -> {
                        process.freeze();
                        return ReferenceProcess.start(seedproto);
                    });
                }
                Map<String, List<Row>> rows = run(workloads, targets);
                process.thaw();
                service.addAll(rows.get("service"));
                reference.addAll(rows.getOrDefault("reference", List.of()));
            }
            long legacyPeakRss = process.peakRssMb();
            System.out.printf(Locale.ROOT, "service RSS after the legacy rows: peak %d MB%n", legacyPeakRss);
            byte[] twoMb = TestImages.jpeg(TestImages.photo(2300, 1700, 40, 5), 0.9f);
            System.out.println("Reliable mode; warming up...");
            reliable("warm-up", process.images(), large, 20 / scale, null);
            reliableRows.add(reliable("9 MB x " + Math.max(1, 5 / scale) + ", no loss", process.images(), huge,
                    Math.max(1, 5 / scale), null));
            reliableRows.add(reliable("9 MB x " + Math.max(1, 5 / scale) + ", no loss, 32 KB chunks",
                    process.images(), huge, Math.max(1, 5 / scale), null, 32 * 1024));
            reliableRows.add(reliable("1.8 MB x " + 20 / scale + ", no loss", process.images(), large, 20 / scale,
                    null));
            reliableRows.add(reliable(String.format(Locale.ROOT, "%.1f MB x %d, no loss, through the relay",
                    twoMb.length / 1e6, 100 / scale), process.images(), twoMb, 100 / scale,
                    new Impairer.Rates(0, 0, 0, 0)));
            reliableRows.add(reliable(String.format(Locale.ROOT, "%.1f MB x %d, 5%% loss 5%% reorder 1%% dup 0.1%% "
                    + "corrupt", twoMb.length / 1e6, 100 / scale), process.images(), twoMb, 100 / scale,
                    new Impairer.Rates(0.05, 0.05, 0.01, 0.001)));
            reliableRows.add(reliable(String.format(Locale.ROOT, "%.1f MB x 3, 30%% loss", twoMb.length / 1e6),
                    process.images(), twoMb, 3, new Impairer.Rates(0.30, 0.05, 0.01, 0.001)));
            rss = "service peak RSS " + legacyPeakRss + " MB after the legacy rows, " + process.peakRssMb()
                    + " MB after the reliable-mode rows too";
            System.out.println(rss);
        }

        if (!legacy) {
            System.out.println("(bench.mode=reliable: legacy rows skipped)");
        }
        else if (!withReference) {
            System.out.println("(no /usr/bin/python3 with OpenCV: reference column skipped)");
        }
        List<Row> bareJava = legacy ? run(workloads, "bare Java", Bench::startBareJava) : List.of();
        List<Row> bareC = legacy && nativeTools.isPresent()
                ? run(workloads, "bare C", nativeTools.get()::startBareReceiver) : List.of();
        System.out.println();
        System.out.println("Legacy protocol, " + sender.describe() + ":");
        System.out.println();
        System.out.println(table(service, reference, bareJava, bareC));
        System.out.println(rss);
        System.out.println();
        System.out.println("Reliable mode (Java sender -> service image port; relay rows through the seeded relay):");
        System.out.println();
        System.out.println("| workload | completed/sent | MB/s | retransmissions | p50 / p99 ms |");
        System.out.println("| --- | --- | --- | --- | --- |");
        reliableRows.forEach(System.out::println);
    }

    /** Starts a receiver. */
    interface ReceiverStarter {
        Receiver start() throws Exception;
    }

    /** Every workload against receivers from {@code starter}; each workload's round of median rate. */
    private static List<Row> run(List<Workload> workloads, String target, ReceiverStarter starter) throws Exception {
        return run(workloads, Map.of(target, starter)).get(target);
    }

    /**
     * Every workload, its rounds taking the targets in turn, so that all columns of a row see the same machine
     * (its speed drifts within a run). A fresh receiver per round, but the service: once one wedges, it stays
     * wedged. Each workload reports one round, the same for every target: {@link #medianRound}.
     */
    private static Map<String, List<Row>> run(List<Workload> workloads, Map<String, ReceiverStarter> targets)
            throws Exception {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        targets.keySet().forEach(target -> rows.put(target, new ArrayList<>()));
        for (Workload workload : workloads) {
            Map<String, List<Row>> rounds = new LinkedHashMap<>();
            for (int round = 0; round < workload.rounds(); round++) {
                for (Map.Entry<String, ReceiverStarter> target : targets.entrySet()) {
                    rounds.computeIfAbsent(target.getKey(), t -> new ArrayList<>())
                            .add(measure(workload.run(), target.getKey(), target.getValue()));
                }
            }
            int reported = medianRound(List.copyOf(rounds.values()));
            rounds.forEach((target, measured) -> rows.get(target).add(measured.get(reported)));
        }
        return rows;
    }

    /** One round against a receiver from {@code starter}, with what the kernel dropped on its sockets meanwhile. */
    private static Row measure(Run workload, String target, ReceiverStarter starter) throws Exception {
        try (Receiver receiver = starter.start()) {
            double dropsBefore = socketDrops(receiver);
            Row row = workload.run(target, receiver.images(), receiver.lists());
            double drops = socketDrops(receiver) - dropsBefore;
            row = Double.isNaN(drops) ? row : row.withSocketDrops((long) drops);
            print(row);
            return row;
        }
    }

    /**
     * The round a row reports, from each target's rounds in the targets' order. With one target, the round of
     * median rate; with more, the round of median ratio of the first target's rate to the second's, so that a
     * row's columns and its ratio come from one round, measured side by side while the machine's speed drifts
     * (of an even number of rounds, the lower middle one).
     */
    static int medianRound(List<List<Row>> rounds) {
        List<Row> first = rounds.get(0);
        ToDoubleFunction<Integer> key = rounds.size() == 1 ? i -> first.get(i).perSecond()
                : i -> first.get(i).perSecond() / rounds.get(1).get(i).perSecond();
        List<Integer> order = new ArrayList<>(IntStream.range(0, first.size()).boxed().toList());
        order.sort(Comparator.comparingDouble(key));
        return order.get((order.size() - 1) / 2);
    }

    /** What the kernel dropped so far on the receiver's two full sockets; NaN where it doesn't say. */
    private static double socketDrops(Receiver receiver) {
        return SocketDrops.of(receiver.images().getPort()) + SocketDrops.of(receiver.lists().getPort());
    }

    // ---- workloads ------------------------------------------------------------------------------------------

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

    /** Reliable-mode transfers of one image in 8 KB chunks, directly or through a lossy relay; a table row. */
    static String reliable(String name, InetSocketAddress service, byte[] image, int count, Impairer.Rates loss)
            throws Exception {
        return reliable(name, service, image, count, loss, 8192);
    }

    static String reliable(String name, InetSocketAddress service, byte[] image, int count, Impairer.Rates loss,
            int chunkSize) throws Exception {
        LossyRelay relay = loss == null ? null : new LossyRelay(service.getPort(), loss, 42);
        InetSocketAddress target = relay == null ? service
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
        long[] latencies = new long[count];
        int completed = 0;
        int retransmissions = 0;
        Duration startTimeout = ReliableSender.Options.DEFAULT.initialRto();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                try (DatagramLink link = new DatagramLink(target)) {
                    ReliableSender.Result result = new ReliableSender().send(image, link,
                            ReliableSender.Options.forChunkSize(chunkSize, Duration.ofSeconds(60))
                                    .withInitialRto(startTimeout));
                    startTimeout = result.suggestedInitialRto(); // as SendService keeps it per target
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
        System.out.printf(Locale.ROOT, "  %-28s %-9s %5d/%-5d %9.1f/s %8.1f MB/s%s%n", row.workload(), row.target(),
                row.completed(), row.sent(), row.perSecond(), row.megabytesPerSecond(),
                row.socketDrops() > 0 ? String.format(Locale.ROOT, "  %,d socket drops", row.socketDrops()) : "");
    }

    /** The legacy rows side by side: the service, the Python reference, and the two bare loops. */
    static String table(List<Row> service, List<Row> reference, List<Row> bareJava, List<Row> bareC) {
        StringBuilder out = new StringBuilder();
        out.append("| workload | completed/sent (service) | per s (service) | MB/s (service) | p50 / p99 ms (service)"
                + " | completed/sent (reference) | per s (reference) | service / reference"
                + " | per s (bare Java loop) | per s (bare C loop) |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < service.size(); i++) {
            Row s = service.get(i);
            Row r = i < reference.size() ? reference.get(i) : null;
            out.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %.2f / %.2f | %s | %s | %s | %s | %s |%n",
                    s.workload(), s.completedOfSent(), s.perSecond(),
                    s.bytes() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", s.megabytesPerSecond()),
                    s.percentileMs(0.5), s.percentileMs(0.99),
                    r == null ? "-" : r.completedOfSent(),
                    r == null ? "-" : String.format(Locale.ROOT, "%.1f", r.perSecond()),
                    r == null || r.completed() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.1fx", s.perSecond() / r.perSecond()),
                    perSecond(bareJava, i), perSecond(bareC, i)));
        }
        return out.toString();
    }

    /** A bare loop's rate, with its count when it did not complete everything. */
    private static String perSecond(List<Row> rows, int i) {
        if (i >= rows.size()) {
            return "-";
        }
        Row row = rows.get(i);
        String rate = String.format(Locale.ROOT, "%.1f", row.perSecond());
        return row.completed() == row.sent() ? rate : rate + " (" + row.completed() + "/" + row.sent() + ")";
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
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(serviceJvmOptions);
            String jvmOptions = System.getenv("BENCH_SERVICE_JVM_OPTS"); // e.g. a flight recording
            if (jvmOptions != null && !jvmOptions.isBlank()) {
                command.addAll(List.of(jvmOptions.trim().split("\\s+")));
            }
            Path store = log.resolveSibling("bench-store");
            if (Files.isDirectory(store)) { // start empty: nothing of an earlier run to load
                try (Stream<Path> files = Files.walk(store)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
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

        /**
         * Waits (at most 30 s) until the service's JIT compiler threads used no more than one clock tick of CPU
         * in a second, and prints how long that took.
         */
        void awaitCompilerIdle() throws InterruptedException {
            long started = System.nanoTime();
            long before = compilerTicks();
            while (before >= 0 && System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
                Thread.sleep(1000);
                long now = compilerTicks();
                if (now - before <= 1) {
                    System.out.printf(Locale.ROOT, "  (JIT compiler idle after %.1f s)%n",
                            (System.nanoTime() - started) / 1e9);
                    return;
                }
                before = now;
            }
            System.out.println("  (JIT compiler still busy after 30 s)");
        }

        /** CPU time of the service's JIT compiler threads so far in clock ticks, from Linux's /proc; -1 elsewhere. */
        private long compilerTicks() {
            long ticks = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    }
                    catch (IOException gone) { // the thread ended meanwhile
                        continue;
                    }
                    int nameEnd = stat.lastIndexOf(')'); // "tid (name) state ...": the name may hold spaces
                    if (stat.substring(stat.indexOf('(') + 1, nameEnd).contains("CompilerThre")) {
                        String[] fields = stat.substring(nameEnd + 2).split(" "); // from field 3, state
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    }
                }
            }
            catch (IOException | RuntimeException noProc) {
                return -1;
            }
            return ticks;
        }

        /**
         * Stops the service (SIGSTOP) for the reference's rounds, which run beside it: idle, it still wakes a few
         * dozen times a second (timers, its store writer's last batch), and none of that should land on the
         * reference.
         */
        void freeze() throws IOException, InterruptedException {
            signal("-STOP");
        }

        /** Lets it go on (SIGCONT); nothing happens to a service that runs. */
        void thaw() throws IOException, InterruptedException {
            signal("-CONT");
        }

        private void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid() + " failed");
            }
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
        public void close() throws InterruptedException, IOException {
            thaw(); // a stopped process would only act on SIGTERM once continued
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
    static Receiver startBareJava() throws IOException {
        int image = freePort();
        int list = freePort();
        Process process = startReady(List.of("java", BARE_HEAP, "-cp", System.getProperty("java.class.path"),
                BareReceiver.class.getName(), String.valueOf(image), String.valueOf(list)));
        return new Receiver(process, loopback(image), loopback(list));
    }

    /** {@code seed_server.py}, the Python reference receiver. */
    static final class ReferenceProcess {

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

        /** On two free ports. */
        static Receiver start(Path seedproto) throws IOException {
            int image = freePort();
            int list = freePort();
            Process process = startReady(List.of(PYTHON.toString(), seedproto.resolve("seed_server.py").toString(),
                    String.valueOf(image), String.valueOf(list)));
            return new Receiver(process, loopback(image), loopback(list));
        }

        private ReferenceProcess() {
        }
    }

    private Bench() {
    }
}
