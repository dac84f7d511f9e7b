package dev.udpimage.events.file;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.udpimage.disk.DiskHealth;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.store.Backends;
import dev.udpimage.store.StoreProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The file backend's events, beside the recording in {@code udp.store.dir} (in memory
 * without one), durable as the store is ({@code udp.store.durability}); events whose
 * footage is past the events retention are deleted once a minute.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(Backends.File.class)
public class FileEventsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FileEventsConfiguration.class);

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService eventsRetention(FileEventStore events, RecordingProperties recording) {
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "events-retention");
            thread.setDaemon(true);
            return thread;
        });
        clock.scheduleWithFixedDelay(() -> {
            try {
                Instant now = Instant.now();
                int deleted = events.deleteEndedBefore(camera -> now.minus(recording.eventsRetentionOf(camera)));
                if (deleted > 0) {
                    log.info("Deleted {} events past the events retention", deleted);
                }
            }
            catch (RuntimeException ex) {
                log.warn("Events retention failed: {}", ex.toString());
            }
        }, 1, 60, TimeUnit.SECONDS);
        return clock;
    }

    @Bean
    FileEventStore fileEventStore(StoreProperties store, JsonMapper json, DiskHealth health, MeterRegistry registry) {
        Path root = store.hasDir() ? Path.of(store.dir()).toAbsolutePath().normalize().resolve("recording") : null;
        return new FileEventStore(root, json, store.durability() == StoreProperties.Durability.SYNC, health, registry);
    }

}
