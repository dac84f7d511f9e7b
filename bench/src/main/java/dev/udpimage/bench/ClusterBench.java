package dev.udpimage.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.udpimage.bench.Processes.ServiceProcess;
import dev.udpimage.cluster.LocalCluster;
import dev.udpimage.support.Http;
import tools.jackson.databind.JsonNode;

/**
 * {@code -Dbench.mode=cluster}: one receiver on the cluster store
 * ({@code deploy/local-cluster.sh} with one instance, through its UDP load balancer)
 * against the file store in {@code sync} on the same machine, five alternating passes in
 * one run, by the same legacy sender: one sender of 10 KB images, eight of 200 KB. Where
 * a cluster save's time goes: the insert and commit's own time, and the CPU of each
 * process (receiver, PostgreSQL, object store, sender) per 1 000 frames. Once every frame
 * is sealed, the objects PUT and their bytes per 1 000 frames, from listing the bucket.
 */
final class ClusterBench {

    /** Short segments, so that the run's frames are sealed within it. */
    private static final String SEGMENT = "10s";

    private ClusterBench() {
    }

    /** Alternating passes of the file store in {@code sync} and the cluster. */
    private static final int PASSES = 5;

    static List<String> run(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small, byte[] medium,
            int scale) throws Exception {
        int passes = scale > 1 ? 2 : PASSES;
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("| workload | store | pass | completed/sent | images/s | MB/s | p50 / p99 ms |");
        lines.add("| --- | --- | --- | --- | --- | --- | --- |");
        double[][] file = new double[2][passes];
        double[][] clustered = new double[2][passes];
        String cpu = "";
        String objectsPerThousand;
        String times;
        System.out.println("Cluster of 1 receiver; starting...");
        try (LocalCluster cluster = LocalCluster.up(Path.of("target", "bench-cluster"),
                // the JIT as in production (the tests start the cluster C1-only)
                Map.of("UDP_CLUSTER_INSTANCES", "1", "UDP_RECORDING_SEGMENTDURATION", SEGMENT,
                        "UDP_CLUSTER_JAVA_OPTIONS", ""))) {
            InetSocketAddress balancer = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    LocalCluster.NGINX_IMAGES);
            Http http = cluster.http(1);
            for (int pass = 0; pass < passes; pass++) {
                // the order alternates, so that neither side always runs on a warmer
                // machine
                for (boolean onCluster : pass % 2 == 0 ? new boolean[] { false, true }
                        : new boolean[] { true, false }) {
                    List<Row> rows;
                    if (onCluster) {
                        CpuByProcess before = CpuByProcess.now();
                        rows = rows(sender, balancer, "cluster", small, medium, scale);
                        if (pass == 0) {
                            long frames = rows.stream().mapToLong(Row::completed).sum();
                            cpu = CpuByProcess.now().since(before, frames, "frames (both rows, with warm-up)");
                        }
                    }
                    else {
                        try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                                build.resolve("bench-cluster-file-sync.log"), List.of("--udp.store.durability=sync"))) {
                            rows = rows(sender, service.images(), "file sync", small, medium, scale);
                        }
                    }
                    for (int row = 0; row < rows.size(); row++) {
                        (onCluster ? clustered : file)[row][pass] = rows.get(row).perSecond();
                        lines.add(line(rows.get(row), onCluster ? "cluster" : "file sync", pass + 1));
                    }
                }
            }
            times = String.format(Locale.ROOT,
                    "a save's insert and commit (udp.store.commit) %.2f ms on average; a segment's seal %.1f ms",
                    meanMs(http, "udp.store.commit"), meanMs(http, "udp.recording.seal"));
            // every frame sealed: nothing held in PostgreSQL any more
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (gauge(http, "udp.recording.held.frames") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            long frames = 0;
            for (JsonNode camera : http.get("/recordings").json()) {
                frames += camera.get("frames").asLong();
            }
            Map<String, Long> objects = cluster.objects();
            long bytes = objects.values().stream().mapToLong(Long::longValue).sum();
            objectsPerThousand = String.format(Locale.ROOT,
                    "%.2f PUTs, %.1f MB per 1 000 frames (%d objects, %d frames)", objects.size() * 1000.0 / frames,
                    bytes * 1000.0 / frames / 1e6, objects.size(), frames);
        }
        lines.add("");
        String[] names = { "one sender of 10 KB", "eight senders of 200 KB" };
        for (int row = 0; row < 2; row++) {
            double[] ratios = new double[passes];
            for (int pass = 0; pass < passes; pass++) {
                ratios[pass] = clustered[row][pass] / file[row][pass];
            }
            lines.add(String.format(Locale.ROOT, "- %s: cluster / file `sync` by pass %s, median **%.2fx** (%.2f-%.2f)",
                    names[row], Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
                    RecordingBench.median(ratios), Arrays.stream(ratios).min().orElse(0),
                    Arrays.stream(ratios).max().orElse(0)));
        }
        lines
            .add("- where a cluster save's time goes: " + times + "; CPU by process in the first cluster pass: " + cpu);
        lines.add("- object storage: " + objectsPerThousand);
        return lines;
    }

    private static List<Row> rows(Sender sender, InetSocketAddress target, String store, byte[] small, byte[] medium,
            int scale) throws Exception {
        // JIT, pools, connections
        sender.stopAndWait("warm-up", store, target, small, 500 / scale);
        sender.concurrent("warm-up", store, target, medium, 8, 10 / scale);
        List<Row> rows = List.of(
                sender.stopAndWait("10 KB x " + 1000 / scale + ", 1 sender", store, target, small, 1000 / scale),
                sender.concurrent("8 senders x " + 50 / scale + " x 200 KB", store, target, medium, 8, 50 / scale));
        rows.forEach(Report::print);
        return rows;
    }

    private static String line(Row row, String store, int pass) {
        return String.format(Locale.ROOT, "| %s | %s | %d | %s | %.1f | %.1f | %.2f / %.2f |", row.workload(), store,
                pass, row.completedOfSent(), row.perSecond(), row.megabytesPerSecond(), row.percentileMs(0.5),
                row.percentileMs(0.99));
    }

    private static double gauge(Http http, String name) {
        JsonNode measurements = http.get("/actuator/metrics/" + name).json().get("measurements");
        return measurements.get(0).get("value").asDouble();
    }

    /** A timer's mean in milliseconds, from {@code /actuator/metrics}. */
    private static double meanMs(Http http, String timer) {
        JsonNode measurements = http.get("/actuator/metrics/" + timer).json().get("measurements");
        double count = 0;
        double total = 0;
        for (JsonNode measurement : measurements) {
            switch (measurement.get("statistic").asString()) {
                case "COUNT" -> count = measurement.get("value").asDouble();
                case "TOTAL_TIME" -> total = measurement.get("value").asDouble();
                default -> {
                }
            }
        }
        return count == 0 ? Double.NaN : total / count * 1000;
    }

}
