package dev.udpimage.flow;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

import dev.udpimage.udp.ReceiverPorts;

/**
 * Each port's {@link ReceiveMetrics} ({@code port} tag {@code image} or {@code list}),
 * and the log of what the kernel dropped on their sockets.
 */
@Configuration(proxyBeanMethods = false)
public class ReceiveMeters {

    private static final Logger log = LoggerFactory.getLogger(ReceiveMeters.class);

    @Bean
    ReceiveMetrics imageMetrics(MeterRegistry registry, ReceiverPorts ports) {
        ReceiveMetrics metrics = new ReceiveMetrics(registry, "image", true);
        metrics.socketDrops(ports.image());
        return metrics;
    }

    @Bean
    ReceiveMetrics listMetrics(MeterRegistry registry, ReceiverPorts ports) {
        ReceiveMetrics metrics = new ReceiveMetrics(registry, "list", false);
        metrics.socketDrops(ports.list());
        return metrics;
    }

    @Bean
    Replies imageReplies(ReceiveMetrics imageMetrics) {
        return new Replies(imageMetrics);
    }

    @Bean
    Replies listReplies(ReceiveMetrics listMetrics) {
        return new Replies(listMetrics);
    }

    /** Logs what the kernel dropped on both ports' sockets. */
    @Bean
    SocketDropLog socketDropLog(List<ReceiveMetrics> ports) {
        return new SocketDropLog(ports);
    }

    /**
     * What the kernel drops on a full socket never reaches a flow to be counted and
     * logged there; it is counted by {@code udp.socket.drops} and logged here, a sum
     * every few seconds.
     */
    static final class SocketDropLog {

        private final List<ReceiveMetrics> ports;

        SocketDropLog(List<ReceiveMetrics> ports) {
            this.ports = ports;
        }

        @Scheduled(fixedDelay = 5000)
        void logSocketDrops() {
            for (ReceiveMetrics metrics : this.ports) {
                long dropped = metrics.newSocketDrops();
                if (dropped > 0) {
                    log.warn(
                            "The kernel dropped {} datagrams on the {} port: its socket buffer was full, a burst "
                                    + "came faster than the port's thread read it (udp.socket.drops)",
                            dropped, metrics.port());
                }
            }
        }

    }

}
