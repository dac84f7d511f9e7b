package dev.udpimage.flow;

import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/** A summary of the receive path's meters for humans ({@code GET /received/stats}). */
@Component
public class ReceiveStats {

    /**
     * One port's figures since start-up.
     *
     * @param failed dropped transfers or datagrams by reason (stalled, oversize, overrun,
     * undecodable, ...)
     * @param socketDrops datagrams the kernel dropped because the socket's buffer was
     * full; null where the kernel doesn't say (not Linux)
     */
    public record PortStats(long datagrams, long bytes, long completed, Map<String, Long> failed, long replies,
            Long pendingTransfers, Long inflightBytes, Long socketDrops) {
    }

    private final MeterRegistry registry;

    public ReceiveStats(MeterRegistry registry) {
        this.registry = registry;
    }

    public Map<String, PortStats> byPort() {
        return Map.of("image", port("image"), "list", port("list"));
    }

    private PortStats port(String port) {
        Map<String, Long> failed = new TreeMap<>();
        this.registry.find("udp.transfers.failed")
            .tag("port", port)
            .counters()
            .stream()
            // every reason is registered at 0: show those that happened
            .filter(c -> c.count() > 0)
            .forEach(c -> failed.merge(c.getId().getTag("reason"), (long) c.count(), Long::sum));
        return new PortStats(count("udp.datagrams", port), count("udp.received.bytes", port),
                count("udp.transfers.completed", port), failed, count("udp.replies", port),
                gauge("udp.transfers.pending", port), gauge("udp.transfers.inflight.bytes", port),
                gauge("udp.socket.drops", port));
    }

    private long count(String name, String port) {
        Counter counter = this.registry.find(name).tag("port", port).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private Long gauge(String name, String port) {
        Gauge gauge = this.registry.find(name).tag("port", port).gauge();
        return gauge == null || Double.isNaN(gauge.value()) ? null : (long) gauge.value();
    }

}
