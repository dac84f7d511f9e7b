package dev.udpimage.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * against the file store in {@code sync} and {@code async} on the same machine, in one
 * run, by the same legacy sender: one sender of 10 KB images, eight of 200 KB. For the
 * cluster, once every frame is sealed, the objects PUT and their bytes per 1 000 frames,
 * from listing the bucket.
 */
final class ClusterBench {

    /** Short segments, so that the run's frames are sealed within it. */
    private static final String SEGMENT = "10s";

    private ClusterBench() {
    }

    static List<String> run(Sender sender, Path jar, List<String> jvmOptions, Path build, byte[] small, byte[] medium,
            int scale) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("| workload | store | completed/sent | images/s | MB/s | p50 / p99 ms | PUTs, MB per 1 000 frames |");
        lines.add("| --- | --- | --- | --- | --- | --- | --- |");
        List<double[]> rates = new ArrayList<>();
        for (String durability : List.of("async", "sync")) {
            System.out.println("File store, " + durability + "; warming up...");
            try (ServiceProcess service = ServiceProcess.start(jar, jvmOptions,
                    build.resolve("bench-cluster-file-" + durability + ".log"),
                    List.of("--udp.store.durability=" + durability))) {
                List<Row> rows = rows(sender, service.images(), "file " + durability, small, medium, scale);
                rates.add(rows.stream().mapToDouble(Row::perSecond).toArray());
                rows.forEach(row -> lines.add(line(row, "file " + durability, "")));
            }
        }
        System.out.println("Cluster of 1 receiver; starting...");
        try (LocalCluster cluster = LocalCluster.up(Path.of("target", "bench-cluster"),
                Map.of("UDP_CLUSTER_INSTANCES", "1", "UDP_RECORDING_SEGMENTDURATION", SEGMENT))) {
            InetSocketAddress balancer = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    LocalCluster.NGINX_IMAGES);
            List<Row> rows = rows(sender, balancer, "cluster", small, medium, scale);
            Http http = cluster.http(1);
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
            String perThousand = String.format(Locale.ROOT, "%.2f PUTs, %.1f MB (%d objects, %d frames)",
                    objects.size() * 1000.0 / frames, bytes * 1000.0 / frames / 1e6, objects.size(), frames);
            double[] clusterRates = rows.stream().mapToDouble(Row::perSecond).toArray();
            for (int i = 0; i < rows.size(); i++) {
                lines.add(line(rows.get(i), "cluster", perThousand));
                lines.add(String.format(Locale.ROOT,
                        "| (%s) | cluster / file sync %.2fx, / file async %.2fx | | | | | |", rows.get(i).workload(),
                        clusterRates[i] / rates.get(1)[i], clusterRates[i] / rates.get(0)[i]));
            }
            lines.add(String.format(Locale.ROOT,
                    "| (cluster, mean per image) commit %.1f ms, seal %.1f ms a segment | | | | | | |",
                    meanMs(http, "udp.store.commit"), meanMs(http, "udp.recording.seal")));
        }
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

    private static String line(Row row, String store, String perThousand) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %.2f / %.2f | %s |", row.workload(), store,
                row.completedOfSent(), row.perSecond(), row.megabytesPerSecond(), row.percentileMs(0.5),
                row.percentileMs(0.99), perThousand);
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
