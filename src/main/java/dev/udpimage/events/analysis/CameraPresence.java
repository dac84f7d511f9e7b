package dev.udpimage.events.analysis;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

import dev.udpimage.stream.StreamHub;

/**
 * Which cameras are online: once a second, every camera the streams know is compared with
 * what it was; a camera seen for the first time, or again after it was offline, is
 * online, one silent for {@code udp.streams.offline-after} offline, and the
 * {@link EventPublisher} tells of each change (on a cluster, one instance does). Bounded
 * as the streams are.
 */
public class CameraPresence implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CameraPresence.class);

    private final StreamHub streams;

    private final EventPublisher publisher;

    /** What each camera was at the last look. */
    private final Map<String, Boolean> online = new HashMap<>();

    private final ScheduledExecutorService clock;

    public CameraPresence(StreamHub streams, EventPublisher publisher, MeterRegistry registry) {
        this.streams = streams;
        this.publisher = publisher;
        Gauge.builder("udp.cameras.offline", this, CameraPresence::offline)
            .description("Cameras that sent nothing for udp.streams.offline-after, still listed")
            .register(registry);
        this.clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "camera-presence");
            thread.setDaemon(true);
            return thread;
        });
        this.clock.scheduleWithFixedDelay(this::look, 1, 1, TimeUnit.SECONDS);
    }

    /** One look at every camera. */
    synchronized void look() {
        try {
            Map<String, Boolean> now = new HashMap<>();
            for (StreamHub.StreamInfo stream : this.streams.streams()) {
                now.put(stream.sender(), stream.online());
                Boolean was = this.online.get(stream.sender());
                if (stream.online() && !Boolean.TRUE.equals(was)) {
                    this.publisher.online(stream.sender(), stream.lastFrameAt());
                }
                else if (!stream.online() && Boolean.TRUE.equals(was)) {
                    log.info("Camera {} is offline: no frame since {}", stream.sender(), stream.lastFrameAt());
                    this.publisher.offline(stream.sender(), stream.lastFrameAt());
                }
            }
            // forgotten by the streams (their bounds): forgotten here too
            this.online.clear();
            this.online.putAll(now);
        }
        catch (RuntimeException ex) {
            log.warn("Looking at the cameras failed: {}", ex.toString());
        }
    }

    synchronized long offline() {
        return this.online.values().stream().filter(online -> !online).count();
    }

    /** The cameras online at the last look. */
    synchronized Map<String, Boolean> cameras() {
        return Map.copyOf(this.online);
    }

    @Override
    public void destroy() {
        this.clock.shutdownNow();
    }

}
