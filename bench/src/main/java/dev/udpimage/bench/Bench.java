package dev.udpimage.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.udpimage.bench.Processes.ReferenceProcess;
import dev.udpimage.bench.Processes.ServiceProcess;
import dev.udpimage.bench.Rounds.Receiver;
import dev.udpimage.bench.Rounds.ReceiverStarter;
import dev.udpimage.bench.Rounds.Workload;
import dev.udpimage.protocol.LegacySender;
import dev.udpimage.support.Impairer;
import dev.udpimage.support.TestImages;

/**
 * The performance benchmark (bench/README.md): starts the packaged service (and, when
 * {@code /usr/bin/python3} has OpenCV, the Python reference receiver
 * {@code tutorial_server.py}), drives both with the same fast legacy sender and prints a
 * table. Run it with {@code mvn -Pbench verify}. What it measures and how:
 * {@link Rounds}; the processes: {@link Processes}; the output: {@link Report}.
 *
 * <p>
 * Arguments: the build directory (holding the service jar), the directory of the Python
 * receiver ({@code clients/python}), {@code full}, {@code quick} for a smaller run,
 * {@code reliable} for the reliable-mode rows only, {@code cluster} for one receiver of
 * the cluster against the file store ({@link ClusterBench}) or {@code durability} for
 * {@code udp.store.durability} async against sync ({@link DurabilityBench}), and the file
 * of the service's JVM options ({@code jvm.options}). Figures are for comparison in one
 * run on one machine, not absolute.
 */
public final class Bench {

    public static void main(String[] args) throws Exception {
        Path build = Path.of(args.length > 0 ? args[0] : "target");
        Path seedproto = Path.of(args.length > 1 ? args[1] : "clients/python");
        String mode = args.length > 2 ? args[2] : "full";
        boolean quick = "quick".equals(mode);
        // reliable: only the reliable-mode rows
        boolean legacy = !"reliable".equals(mode);
        List<String> jvmOptions = Processes.jvmOptions(Path.of(args.length > 3 ? args[3] : "jvm.options"));
        int scale = quick ? 5 : 1;

        System.out.println("Generating deterministic photo-like JPEGs...");
        byte[] small = TestImages.jpeg(TestImages.photo(200, 150, 24, 1), 0.85f);
        byte[] medium = TestImages.jpeg(TestImages.photo(800, 600, 40, 2), 0.9f);
        // 1.78 MB
        byte[] large = TestImages.jpeg(TestImages.photo(1920, 1440, 50, 3), 0.92f);
        byte[] huge = TestImages.jpeg(TestImages.photo(4000, 3000, 60, 4), 0.92f);
        System.out.printf(Locale.ROOT, "image sizes: %,d / %,d / %,d / %,d bytes%n", small.length, medium.length,
                large.length, huge.length);

        Optional<NativeSender> nativeTools = NativeSender.compile(build.getParent().resolve("bench/c"), build);
        Sender sender = nativeTools.<Sender>map(tools -> tools).orElseGet(JavaSender::new);
        System.out.println("Legacy sender: " + sender.describe());

        String median = ", median of " + Rounds.RATIO_ROUNDS;
        List<Workload> workloads = List.of(
                Workload.medianOf(Rounds.RATIO_ROUNDS,
                        (t, img, lst) -> sender.stopAndWait("10 KB x " + 5000 / scale + median, t, img, small,
                                5000 / scale)),
                Workload
                    .once((t, img, lst) -> sender.stopAndWait("200 KB x " + 200 / scale, t, img, medium, 200 / scale)),
                Workload.once((t, img, lst) -> sender.stopAndWait("1.8 MB x " + 20 / scale, t, img, large, 20 / scale)),
                Workload.once((t, img, lst) -> sender.stopAndWait("9 MB x " + Math.max(1, 5 / scale), t, img, huge,
                        Math.max(1, 5 / scale))),
                Workload.once((t, img, lst) -> sender.concurrent("8 senders x " + 50 / scale + " x 200 KB", t, img,
                        medium, 8, 50 / scale)),
                Workload.medianOf(Rounds.RATIO_ROUNDS,
                        (t, img, lst) -> sender.lists("JSON lists x " + 20000 / scale + median, t, lst, 20000 / scale)),
                Workload.once((t, img, lst) -> Workloads.recovery("recovery after a lost datagram", t, img, medium)));

        if ("durability".equals(mode)) {
            DurabilityBench.run(sender, Processes.serviceJar(build), jvmOptions, build, small, large, scale)
                .forEach(System.out::println);
            return;
        }
        if ("recording".equals(mode)) {
            RecordingBench.run(sender, Processes.serviceJar(build), jvmOptions, build, seedproto, small, large, scale)
                .forEach(System.out::println);
            return;
        }
        if ("events".equals(mode)) {
            EventsBench.run(sender, Processes.serviceJar(build), jvmOptions, build, small, scale)
                .forEach(System.out::println);
            return;
        }
        if ("cluster".equals(mode)) {
            ClusterBench.run(sender, Processes.serviceJar(build), jvmOptions, build, small, medium, scale)
                .forEach(System.out::println);
            return;
        }
        boolean withReference = legacy && ReferenceProcess.available(seedproto);
        List<Row> service = new ArrayList<>();
        List<Row> reference = new ArrayList<>();
        List<String> reliableRows = new ArrayList<>();
        String rss;
        Path jar = Processes.serviceJar(build);
        Path serviceLog = build.resolve("bench-service.log");
        try (ServiceProcess process = ServiceProcess.start(jar, jvmOptions, serviceLog)) {
            System.out.println("Service started (pid " + process.pid() + "); warming up...");
            // its socket buffer: forced past rmem_max or not
            try (Stream<String> log = Files.lines(serviceLog)) {
                log.filter(line -> line.contains("UDP image port listening"))
                    .findFirst()
                    .ifPresent(line -> System.out.println("  " + line.substring(line.indexOf("UDP image port"))));
            }
            // until the JIT has compiled the hot paths
            for (int round = 0; round < (legacy ? 3 : 0); round++) {
                // 5 000 10 KB images a round: C2 compiles a method after about 5 000
                // calls, and the
                // per-image steps are called once an image
                sender.stopAndWait("warm-up", "service", process.images(), small, 5000 / scale);
                sender.stopAndWait("warm-up", "service", process.images(), medium, 50 / scale);
                sender.stopAndWait("warm-up", "service", process.images(), large, 3);
                sender.stopAndWait("warm-up", "service", process.images(), huge, 2);
                sender.lists("warm-up", "service", process.lists(), 20000 / scale);
            }
            if (legacy) {
                Map<String, ReceiverStarter> targets = new LinkedHashMap<>();
                // each service round starts once the JIT has compiled what the rounds
                // before asked for: on 2
                // cores a compiler thread that is still busy takes the CPU a burst's
                // receive thread needs
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
                Map<String, List<Row>> rows = Rounds.run(workloads, targets);
                process.thaw();
                service.addAll(rows.get("service"));
                reference.addAll(rows.getOrDefault("reference", List.of()));
            }
            long legacyPeakRss = process.peakRssMb();
            System.out.printf(Locale.ROOT, "service RSS after the legacy rows: peak %d MB%n", legacyPeakRss);
            byte[] twoMb = TestImages.jpeg(TestImages.photo(2300, 1700, 40, 5), 0.9f);
            System.out.println("Reliable mode; warming up...");
            Workloads.reliable("warm-up", process.images(), large, 20 / scale, null);
            reliableRows.add(Workloads.reliable("9 MB x " + Math.max(1, 5 / scale) + ", no loss", process.images(),
                    huge, Math.max(1, 5 / scale), null));
            reliableRows.add(Workloads.reliable("9 MB x " + Math.max(1, 5 / scale) + ", no loss, 32 KB chunks",
                    process.images(), huge, Math.max(1, 5 / scale), null, 32 * 1024));
            reliableRows.add(Workloads.reliable("1.8 MB x " + 20 / scale + ", no loss", process.images(), large,
                    20 / scale, null));
            reliableRows.add(
                    Workloads.reliable(
                            String.format(Locale.ROOT, "%.1f MB x %d, no loss, through the relay", twoMb.length / 1e6,
                                    100 / scale),
                            process.images(), twoMb, 100 / scale, new Impairer.Rates(0, 0, 0, 0)));
            reliableRows.add(Workloads.reliable(
                    String.format(Locale.ROOT, "%.1f MB x %d, 5%% loss 5%% reorder 1%% dup 0.1%% " + "corrupt",
                            twoMb.length / 1e6, 100 / scale),
                    process.images(), twoMb, 100 / scale, new Impairer.Rates(0.05, 0.05, 0.01, 0.001)));
            reliableRows
                .add(Workloads.reliable(String.format(Locale.ROOT, "%.1f MB x 3, 30%% loss", twoMb.length / 1e6),
                        process.images(), twoMb, 3, new Impairer.Rates(0.30, 0.05, 0.01, 0.001)));
            // the same images by the control plane's legacy sender, unpaced and at the
            // default pace, and by
            // the stdlib Python reliable sender (protocol version 2)
            int large9 = Math.max(1, 5 / scale);
            reliableRows.add(Workloads.legacyJava("9 MB x " + large9 + ", legacy, Java sender unpaced",
                    process.images(), huge, large9, LegacySender.Pacing.UNPACED));
            reliableRows.add(Workloads.legacyJava("1.8 MB x " + 20 / scale + ", legacy, Java sender unpaced",
                    process.images(), large, 20 / scale, LegacySender.Pacing.UNPACED));
            LegacySender.Pacing paced = new LegacySender.Pacing(6, 2048); // udp.send.rate
                                                                          // and burst
            reliableRows.add(Workloads.legacyJava(
                    "1.8 MB x " + 10 / scale + ", legacy, paced 6 MB/s (the default), to the service", process.images(),
                    large, 10 / scale, paced));
            if (ReferenceProcess.available(seedproto)) {
                try (Receiver python = ReferenceProcess.start(seedproto)) {
                    reliableRows.add(Workloads.legacyJava(
                            "1.8 MB x " + 10 / scale + ", legacy, paced 6 MB/s, to tutorial_server.py", python.images(),
                            large, 10 / scale, paced));
                }
                reliableRows.add(Workloads.pythonReliable("9 MB x " + large9 + ", reliable, Python sender (v2)",
                        process.images(), huge, large9));
            }
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
        List<Row> bareJava = legacy ? Rounds.run(workloads, "bare Java", Processes::startBareJava) : List.of();
        List<Row> bareC = legacy && nativeTools.isPresent()
                ? Rounds.run(workloads, "bare C", nativeTools.get()::startBareReceiver) : List.of();
        System.out.println();
        System.out.println("Legacy protocol, " + sender.describe() + ":");
        System.out.println();
        System.out.println(Report.table(service, reference, bareJava, bareC));
        System.out.println(rss);
        System.out.println();
        System.out.println("Reliable mode (Java sender -> service image port; relay rows through the seeded relay):");
        System.out.println();
        System.out.println("| workload | completed/sent | MB/s | retransmissions | p50 / p99 ms |");
        System.out.println("| --- | --- | --- | --- | --- |");
        reliableRows.forEach(System.out::println);
    }

    private Bench() {
    }

}
