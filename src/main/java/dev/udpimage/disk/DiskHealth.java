package dev.udpimage.disk;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

import dev.udpimage.store.Backends;

/**
 * Whether the file backend (the recording, the history's directory) can write to
 * {@code udp.store.dir} now: {@code store} in {@code /actuator/health}, DOWN with the
 * reason (a full or read-only disk, a permission taken away) from the first failed write
 * until a write succeeds again. Every failed write is counted in
 * {@code udp.store.write.failures}; the change of state is logged once each way.
 */
@Component("store")
@Conditional(Backends.File.class)
public class DiskHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(DiskHealth.class);

    private record Failure(String reason, Instant since) {
    }

    /** The size of the file that tests whether a failing disk takes writes again. */
    private static final int PROBE_BYTES = 64 * 1024;

    private final Counter failures;

    private volatile Failure failure;

    private volatile boolean stopped;

    public DiskHealth(MeterRegistry registry) {
        this.failures = Counter.builder("udp.store.write.failures")
            .description("Writes to udp.store.dir that failed (full or read-only disk, permissions)")
            .register(registry);
    }

    /** A write failed: DOWN until one succeeds. */
    public void failed(IOException why) {
        this.failures.increment();
        String reason = reason(why);
        if (this.failure == null) {
            this.failure = new Failure(reason, Instant.now());
            log.error("The store directory cannot be written: {}; "
                    + "retrying every second, /actuator/health shows the store DOWN until it can", reason);
        }
        else if (!this.failure.reason().equals(reason)) {
            this.failure = new Failure(reason, this.failure.since());
        }
    }

    /** The writer is gone: DOWN for good (until a restart). */
    public void stopped(IOException why) {
        this.stopped = true;
        this.failures.increment();
        this.failure = new Failure(why.getMessage(), Instant.now());
    }

    /** A write succeeded. */
    public void succeeded() {
        Failure was = this.failure;
        if (was != null && !this.stopped) {
            this.failure = null;
            log.info("The store directory can be written again (it could not since {}: {})", was.since(), was.reason());
        }
    }

    /**
     * Can the disk take a small file (64 KB) in {@code directory} now? A success turns
     * the store UP; a failure, DOWN if it was not. The writers probe at start, and every
     * second while the disk fails and nothing waits: the store comes back UP without a
     * sender having to fail first.
     */
    public void probe(Path directory) {
        Path probe = directory.resolve(".probe");
        try {
            AtomicFiles.write(probe, new byte[PROBE_BYTES], true);
            Files.delete(probe);
            succeeded();
        }
        catch (IOException ex) {
            if (!failing()) {
                failed(ex);
            }
        }
    }

    public boolean failing() {
        return this.failure != null;
    }

    @Override
    public Health health() {
        Failure now = this.failure;
        if (now == null) {
            return Health.up().build();
        }
        return Health.down().withDetail("reason", now.reason()).withDetail("since", now.since().toString()).build();
    }

    /** What the operating system said, without the file's path. */
    static String reason(IOException why) {
        if (why instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (why instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return why.getMessage() != null ? why.getMessage() : why.getClass().getSimpleName();
    }

}
