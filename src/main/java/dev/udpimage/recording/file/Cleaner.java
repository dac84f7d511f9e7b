package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.retention.RetentionPolicy;

/**
 * Carries out the {@link RetentionPolicy} on the files: deletes the segments it names,
 * counted by reason, and the lists files as old as the camera's retention. When the disk
 * is under its free-space floor, the policy is asked to free the difference, and finishes
 * the open segments if it must, so that the floor holds even against one camera filling
 * the disk.
 */
final class Cleaner {

    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    private static final RateLimitedLog floorLog = new RateLimitedLog(log, 1);

    private final Catalog catalog;

    private final RecordingProperties settings;

    private final RetentionPolicy policy;

    private final MeterRegistry registry;

    private final Map<RetentionPolicy.Reason, Counter> deleted = new ConcurrentHashMap<>();

    private final Counter floorReached;

    /** The footage events need kept longer; none without events. */
    private final Supplier<List<RetentionPolicy.Kept>> kept;

    Cleaner(Catalog catalog, RecordingProperties settings, MeterRegistry registry,
            Supplier<List<RetentionPolicy.Kept>> kept) {
        this.kept = kept;
        this.catalog = catalog;
        this.settings = settings;
        this.policy = new RetentionPolicy(settings.retentionBounds());
        this.registry = registry;
        this.floorReached = Counter.builder("udp.recording.floor")
            .description("Times the disk's free space was under udp.recording.min-free and recordings were deleted")
            .register(registry);
    }

    /** Everything: age, byte bounds, the floor; and old lists files. */
    synchronized void enforce(long nowMicros) throws IOException {
        long shortfall = this.settings.minFree().toBytes() - usable();
        if (shortfall > 0) {
            this.floorReached.increment();
            floorLog.warn("The disk has {} MB free, under udp.recording.min-free ({}): deleting the oldest recordings",
                    usable() >> 20, this.settings.minFree());
        }
        RetentionPolicy.Decision decision = apply(nowMicros, Math.max(0, shortfall));
        if (decision.finishOpen()) {
            for (CameraSegments camera : this.catalog.cameras()) {
                camera.finishOpen();
            }
            apply(nowMicros, Math.max(0, this.settings.minFree().toBytes() - usable()));
        }
        for (CameraSegments camera : this.catalog.cameras()) {
            Duration retention = this.settings.retentionOf(camera.camera);
            deleteOldLists(camera,
                    nowMicros - retention.toNanos() / 1000 - this.settings.segmentDuration().toNanos() / 1000);
        }
        this.catalog.forgetEmpty();
    }

    /** Only if the disk is under its floor (cheap: one look at the free space). */
    synchronized void enforceFloor(long nowMicros) throws IOException {
        if (usable() < this.settings.minFree().toBytes()) {
            enforce(nowMicros);
        }
    }

    private RetentionPolicy.Decision apply(long nowMicros, long bytesToFree) throws IOException {
        RetentionPolicy.Decision decision = this.policy.decide(this.catalog.stored(), this.kept.get(), nowMicros,
                bytesToFree);
        for (RetentionPolicy.Deletion deletion : decision.deletions()) {
            CameraSegments camera = this.catalog.get(deletion.segment().camera());
            if (camera != null && camera.delete(deletion.segment().id())) {
                this.deleted
                    .computeIfAbsent(deletion.reason(), reason -> Counter.builder("udp.recording.segments.deleted")
                        .description("Segments deleted by retention, by reason (age, camera-bytes, bytes, min-free)")
                        .tag("reason", reason.tag)
                        .register(this.registry))
                    .increment();
            }
        }
        return decision;
    }

    private long usable() throws IOException {
        return Files.getFileStore(this.catalog.root).getUsableSpace();
    }

    /** Lists files whose every line is older than the camera's retention. */
    private static void deleteOldLists(CameraSegments camera, long beforeMicros) throws IOException {
        for (Path file : FileRecordingReader.listFiles(camera)) {
            // the newest file may be the open one: it starts after every older one
            if (Recovery.startOf(file.getFileName().toString()) < beforeMicros) {
                Files.deleteIfExists(file);
            }
        }
    }

}
