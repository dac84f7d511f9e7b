package dev.udpimage.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.udpimage.support.Commands;
import dev.udpimage.support.MonitoringNames;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;

/**
 * What an operator's Prometheus and Grafana are given: the scrape config and the alert
 * rules pass {@code promtool} (Debian's {@code prometheus}), the rules' unit tests pass,
 * and every metric the rules and the dashboard name exists in this service's
 * {@code /actuator/prometheus} (the cluster's own, in {@code ClusterSendersIT}).
 */
@ServiceTest
class MonitoringIT extends ServiceTestSupport {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void theRulesAndTheScrapeConfigPassPromtoolAndTheirTests(@TempDir Path config) throws IOException {
        Commands.require(Files.isExecutable(PROMTOOL), "promtool (apt-get install prometheus)");
        for (String file : List.of("prometheus.yml", "alerts.yml", "alerts-test.yml")) {
            Files.copy(MonitoringNames.PROMETHEUS.resolve(file), config.resolve(file));
        }
        // the token file the compose file mounts beside the config
        Files.writeString(config.resolve("udp-token"), "a-token\n");
        promtool(config, "check", "config", "prometheus.yml");
        promtool(config, "check", "rules", "alerts.yml");
        promtool(config, "test", "rules", "alerts-test.yml");
    }

    @Test
    void everyMetricTheRulesAndTheDashboardNameIsExported() {
        Set<String> named = MonitoringNames.named();
        assertThat(named).as("what the files name")
            .contains("udp_transfers_completed_total", "udp_transfers_failed_total", "udp_socket_drops", "udp_health",
                    "jvm_memory_used_bytes");
        Set<String> exported = MonitoringNames.exported(http().get("/actuator/prometheus").text());
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(exported);
        assertThat(missing).as("named but not exported by the file backend")
            .isEqualTo(new TreeSet<>(MonitoringNames.CLUSTER_ONLY.stream().filter(named::contains).toList()));
    }

    /** Files are named relative to the config's directory, as promtool resolves them. */
    private static void promtool(Path directory, String command, String kind, String file) throws IOException {
        Commands.Result result = Commands
            .run(List.of(PROMTOOL.toString(), command, kind, directory.resolve(file).toString()), 60);
        assertThat(result.exit()).as(command + " " + kind + " " + file + ":\n" + result.output()).isZero();
    }

}
