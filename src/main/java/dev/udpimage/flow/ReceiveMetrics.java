package dev.udpimage.flow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.udpimage.protocol.Rejection;
import dev.udpimage.udp.SocketDrops;

/**
 * The receive path's Micrometer meters for one port ({@code port} tag {@code image} or
 * {@code list}): datagrams and bytes received, transfers completed and failed by reason,
 * replies sent; for images, transfer duration (a list is one datagram: it has none).
 */
final class ReceiveMetrics {

    /** A failure that is no {@link Rejection}: the receive path itself failed. */
    static final String INTERNAL = "internal";

    private static final String FAILED = "Transfers dropped, by reason";

    private static final String LIMITED = "Replies not sent: over the source's reply budget (3x what it sent) "
            + "or error reply rate";

    private final MeterRegistry registry;

    private final String port;

    private final Counter datagrams;

    private final Counter bytes;

    private final Counter completed;

    private final Counter replies;

    private final Counter repliesDropped;

    /**
     * By reason: every reason this service knows is registered at start (at 0, so that
     * rates and alerts see the series before its first failure); no registry lookup per
     * drop, which a flood would pay for every datagram.
     */
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();

    /** Replies not sent, by reason, likewise. */
    private final Map<String, Counter> limited = new ConcurrentHashMap<>();

    /** The socket's UDP port, once bound; -1 before. */
    private volatile int socketPort = -1;

    /**
     * The socket drops as of the last {@link #newSocketDrops}; touched by one thread at a
     * time.
     */
    private volatile double reportedSocketDrops = Double.NaN;

    /** Null where transfers are single datagrams. */
    private final Timer duration;

    ReceiveMetrics(MeterRegistry registry, String port, boolean timesTransfers) {
        this.registry = registry;
        this.port = port;
        this.datagrams = Counter.builder("udp.datagrams")
            .tag("port", port)
            .description("Datagrams received")
            .register(registry);
        this.bytes = Counter.builder("udp.received.bytes")
            .tag("port", port)
            .baseUnit("bytes")
            .description("Payload bytes received")
            .register(registry);
        this.completed = Counter.builder("udp.transfers.completed")
            .tag("port", port)
            .description("Images or lists received, decoded and stored")
            .register(registry);
        this.replies = Counter.builder("udp.replies")
            .tag("port", port)
            .description("Replies sent (success and error)")
            .register(registry);
        this.repliesDropped = Counter.builder("udp.replies.dropped")
            .tag("port", port)
            .description("Replies that could not be sent (socket send buffer full, or an I/O error)")
            .register(registry);
        this.duration = !timesTransfers ? null
                : Timer.builder("udp.transfer.duration")
                    .tag("port", port)
                    .description("Time from an image's header to its last chunk")
                    .register(registry);
        for (Rejection.Reason reason : Rejection.Reason.values()) {
            byReason(this.failed, "udp.transfers.failed", FAILED, reason.tag());
        }
        byReason(this.failed, "udp.transfers.failed", FAILED, INTERNAL);
        for (ReplyBudget.Refusal refusal : ReplyBudget.Refusal.values()) {
            byReason(this.limited, "udp.replies.limited", LIMITED, refusal.tag());
        }
    }

    void datagram(int length) {
        this.datagrams.increment();
        this.bytes.increment(length);
    }

    void completed(double transferMs) {
        this.completed.increment();
        if (this.duration != null) {
            this.duration.record((long) (transferMs * 1_000_000), TimeUnit.NANOSECONDS);
        }
    }

    void failed(Rejection.Reason reason) {
        failed(reason.tag());
    }

    void failed(String reason) {
        byReason(this.failed, "udp.transfers.failed", FAILED, reason).increment();
    }

    void replied() {
        this.replies.increment();
    }

    void replyDropped() {
        this.repliesDropped.increment();
    }

    /**
     * A reply not sent: over its source's reply budget or error rate
     * ({@link ReplyBudget}).
     */
    void replyLimited(String reason) {
        byReason(this.limited, "udp.replies.limited", LIMITED, reason).increment();
    }

    /**
     * This port's counter {@code name} with tag {@code reason}, registered on first use.
     */
    private Counter byReason(Map<String, Counter> counters, String name, String description, String reason) {
        return counters.computeIfAbsent(reason,
                tag -> Counter.builder(name)
                    .tag("port", this.port)
                    .tag("reason", tag)
                    .description(description)
                    .register(this.registry));
    }

    /**
     * Counts what the kernel drops on the port's socket (bound to {@code socketPort})
     * because its buffer is full.
     */
    void socketDrops(int socketPort) {
        this.socketPort = socketPort;
        this.reportedSocketDrops = SocketDrops.of(socketPort);
        Gauge.builder("udp.socket.drops", () -> SocketDrops.of(socketPort))
            .tag("port", this.port)
            .description("Datagrams the kernel dropped because the port's socket buffer was full (Linux)")
            .register(this.registry);
    }

    /**
     * @return how many datagrams the kernel dropped on the port's socket since the last
     * call (0 if it won't say)
     */
    long newSocketDrops() {
        if (this.socketPort < 0) {
            return 0;
        }
        double drops = SocketDrops.of(this.socketPort);
        if (Double.isNaN(drops) || Double.isNaN(this.reportedSocketDrops)) {
            this.reportedSocketDrops = drops;
            return 0;
        }
        long fresh = (long) (drops - this.reportedSocketDrops);
        this.reportedSocketDrops = drops;
        return fresh;
    }

    String port() {
        return this.port;
    }

    void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).tag("port", this.port).register(this.registry);
    }

}
