package dev.udpimage.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of this machine's processes by what they are (the receiver, PostgreSQL, the
 * object store, the sender, the bench), from {@code /proc}: a snapshot, and what was
 * spent between two of them. On two cores, where a save's time goes is as much whose CPU
 * it waits for as its own code.
 */
final class CpuByProcess {

    /** Clock ticks a second ({@code getconf CLK_TCK}; 100 on Linux). */
    private static final double TICKS = 100;

    private final Map<Long, Sample> samples;

    private record Sample(String kind, long ticks) {
    }

    private CpuByProcess(Map<Long, Sample> samples) {
        this.samples = samples;
    }

    static CpuByProcess now() throws IOException {
        Map<Long, Sample> samples = new TreeMap<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    String command = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
                    samples.put(Long.parseLong(process.getFileName().toString()), new Sample(kind(command), ticks));
                }
                catch (IOException | RuntimeException gone) {
                    // ended meanwhile
                }
            }
        }
        return new CpuByProcess(samples);
    }

    private static String kind(String command) {
        if (command.contains("s3mock")) {
            return "object store (S3Mock)";
        }
        if (command.contains("udp-image-service") || command.contains("UdpImageServiceApplication")) {
            return "receiver";
        }
        if (command.startsWith("postgres")) {
            return "PostgreSQL";
        }
        if (command.contains("legacy_sender") || command.contains("bench.Bench")) {
            return "sender and bench";
        }
        if (command.contains("nginx")) {
            return "nginx";
        }
        return "other";
    }

    /** CPU seconds spent since {@code before}, by kind, as "kind 1.23 s, ...". */
    String since(CpuByProcess before, double perUnits, String unit) {
        Map<String, Double> seconds = new TreeMap<>();
        this.samples.forEach((pid, sample) -> {
            Sample was = before.samples.get(pid);
            long spent = sample.ticks() - (was == null ? 0 : was.ticks());
            if (spent > 0) {
                seconds.merge(sample.kind(), spent / TICKS, Double::sum);
            }
        });
        StringBuilder text = new StringBuilder();
        seconds.entrySet()
            .stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .forEach(entry -> text
                .append(String.format(Locale.ROOT, "%s %.2f s, ", entry.getKey(), entry.getValue() * 1000 / perUnits)));
        return text.length() == 0 ? "nothing measured" : text.substring(0, text.length() - 2) + " per 1 000 " + unit;
    }

}
