package dev.udpimage.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.udpimage.bench.Processes.ServiceProcess;

/**
 * {@code -Dbench.mode=durability}: the price of {@code udp.store.durability=sync}. The
 * service is started with {@code async}, then {@code sync}, twice over (so the spread
 * shows), on a store directory of the build's disk, and each time driven by one sender
 * and by eight at once with 10 KB and 1.8 MB images: images a second and the p99 of the
 * time from an image's first datagram to its reply.
 */
final class DurabilityBench {

    private static final int PASSES = 2;

    private DurabilityBench() {
    }

    static List<String> run(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small, byte[] large,
            int scale) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("| workload | durability | completed/sent | images/s | MB/s | p50 / p99 ms |");
        lines.add("| --- | --- | --- | --- | --- | --- |");
        for (int pass = 1; pass <= PASSES; pass++) {
            for (String durability : List.of("async", "sync")) {
                System.out.println("udp.store.durability=" + durability + ", pass " + pass + "; warming up...");
                try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                        build.resolve("bench-service-" + durability + "-" + pass + ".log"),
                        List.of("--udp.store.durability=" + durability))) {
                    // the JIT, and a store directory that is no longer empty
                    sender.stopAndWait("warm-up", durability, service.images(), small, 3000 / scale);
                    sender.concurrent("warm-up", durability, service.images(), large, 8, 2);
                    List<Row> rows = List.of(
                            sender.stopAndWait("10 KB x " + 2000 / scale + ", 1 sender", durability, service.images(),
                                    small, 2000 / scale),
                            sender.concurrent("8 senders x " + 250 / scale + " x 10 KB", durability, service.images(),
                                    small, 8, 250 / scale),
                            sender.stopAndWait("1.8 MB x " + 40 / scale + ", 1 sender", durability, service.images(),
                                    large, 40 / scale),
                            sender.concurrent("8 senders x " + Math.max(1, 10 / scale) + " x 1.8 MB", durability,
                                    service.images(), large, 8, Math.max(1, 10 / scale)));
                    for (Row row : rows) {
                        Report.print(row);
                        lines.add(String.format(Locale.ROOT, "| %s | %s (pass %d) | %s | %.1f | %.1f | %.2f / %.2f |",
                                row.workload(), durability, pass, row.completedOfSent(), row.perSecond(),
                                row.megabytesPerSecond(), row.percentileMs(0.5), row.percentileMs(0.99)));
                    }
                }
            }
        }
        return lines;
    }

}
