package dev.udpimage.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The service's metric names that the operator's files name: the alert rules
 * ({@code deploy/prometheus/alerts.yml}) and the Grafana dashboards
 * ({@code deploy/grafana/dashboards}), against the names a running service exports at
 * {@code /actuator/prometheus}.
 */
public final class MonitoringNames {

    public static final Path PROMETHEUS = Path.of("deploy", "prometheus");

    public static final Path DASHBOARDS = Path.of("deploy", "grafana", "dashboards");

    /** Only the cluster backend exports these: what PostgreSQL holds, and the seals. */
    public static final Set<String> CLUSTER_ONLY = Set.of("udp_recording_held_bytes",
            "udp_recording_seal_failures_total");

    /** Only the file backend: the store directory and the recording on this disk. */
    public static final Set<String> FILE_ONLY = Set.of("udp_store_write_failures_total", "udp_recording_bytes",
            "udp_recording_floor_total");

    private static final Pattern NAME = Pattern.compile("\\b((?:udp|jvm|process|system)_[a-z_]+)\\b");

    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    private MonitoringNames() {
    }

    /** Every service metric the rules and the dashboards name. */
    public static Set<String> named() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> dashboards = Files.list(DASHBOARDS)) {
            for (Path file : Stream.concat(Stream.of(PROMETHEUS.resolve("alerts.yml")), dashboards).toList()) {
                Matcher matcher = NAME.matcher(Files.readString(file));
                while (matcher.find()) {
                    names.add(matcher.group(1));
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return names;
    }

    /** The series names in a Prometheus text exposition. */
    public static Set<String> exported(String exposition) {
        return SERIES.matcher(exposition).results().map(m -> m.group(1)).collect(Collectors.toCollection(TreeSet::new));
    }

}
