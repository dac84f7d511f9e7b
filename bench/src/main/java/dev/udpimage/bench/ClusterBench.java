package dev.udpimage.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.udpimage.cluster.LocalCluster;
import dev.udpimage.support.Http;
import tools.jackson.databind.JsonNode;

/**
 * {@code -Dbench.mode=cluster}: the cluster of {@code deploy/local-cluster.sh} with 1, 2
 * and 3 receivers, driven through nginx by the same legacy sender, and where a save's
 * time goes (the object's PUT, the row's commit), read from each receiver's meters.
 */
final class ClusterBench {

    private ClusterBench() {
    }

    static List<String> run(Sender sender, byte[] small, byte[] medium, int scale) throws Exception {
        List<String> lines = new ArrayList<>();
        InetSocketAddress nginx = new InetSocketAddress(InetAddress.getLoopbackAddress(), LocalCluster.NGINX_IMAGES);
        for (int receivers = 1; receivers <= 3; receivers++) {
            System.out.println("Cluster of " + receivers + " receivers; starting...");
            try (LocalCluster cluster = LocalCluster.up(Path.of("target", "bench-cluster"),
                    Map.of("UDP_CLUSTER_INSTANCES", String.valueOf(receivers)))) {
                String name = receivers + (receivers == 1 ? " receiver" : " receivers");
                // JIT, pools, connections
                sender.stopAndWait("warm-up", "cluster", nginx, small, 500 / scale);
                sender.concurrent("warm-up", "cluster", nginx, medium, 8, 10 / scale);
                Row one = sender.stopAndWait("10 KB x " + 1000 / scale + ", 1 sender, " + name, "nginx", nginx, small,
                        1000 / scale);
                Row eight = sender.concurrent("8 senders x " + 50 / scale + " x 200 KB, " + name, "nginx", nginx,
                        medium, 8, 50 / scale);
                for (Row row : List.of(one, eight)) {
                    Report.print(row);
                    lines.add(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f / %.2f |", row.workload(),
                            row.completedOfSent(), row.perSecond(), row.megabytesPerSecond(), row.percentileMs(0.5),
                            row.percentileMs(0.99)));
                }
                StringBuilder where = new StringBuilder();
                for (int n = 1; n <= receivers; n++) {
                    Http http = cluster.http(n);
                    where.append(String.format(Locale.ROOT, " r%d: PUT %.1f ms, commit %.1f ms;", n,
                            meanMs(http, "udp.store.put"), meanMs(http, "udp.store.commit")));
                }
                lines.add("| (" + name + ", mean per image)" + where + " | | | | |");
            }
        }
        return lines;
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
