package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.recording.RecordingProperties;

/**
 * What the recording may keep, enforced on whole segments, oldest first: each camera's
 * age bound ({@code retention}, or its own), each camera's own byte bound, all cameras'
 * bytes together, and the free space the disk keeps ({@code min-free}), which wins over
 * everything: below it, the oldest segments of any camera go, and when only open segments
 * are left they are sealed to go next. Each deletion is counted by reason.
 */
final class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private static final RateLimitedLog floorLog = new RateLimitedLog(log, 1);

    private final RecordingProperties settings;

    private final Path root;

    private final MeterRegistry registry;

    private final Map<String, Counter> deleted = new ConcurrentHashMap<>();

    private final Counter floorReached;

    Retention(RecordingProperties settings, Path root, MeterRegistry registry) {
        this.settings = settings;
        this.root = root;
        this.registry = registry;
        this.floorReached = Counter.builder("udp.recording.floor")
            .description("Times the disk's free space was under udp.recording.min-free and recordings were deleted")
            .register(registry);
    }

    /** One pass over every camera. */
    synchronized void enforce(Collection<CameraLog> cameras, long nowMicros) throws IOException {
        long maxSegmentMicros = this.settings.segmentDuration().toNanos() / 1000;
        for (CameraLog camera : cameras) {
            camera.sealIfOlder(nowMicros, maxSegmentMicros);
            Duration retention = this.settings.retentionOf(camera.camera);
            long oldest = nowMicros - retention.toNanos() / 1000;
            Segment first;
            while ((first = camera.oldestSealed()) != null && first.lastMicros < oldest) {
                delete(camera, "age");
            }
            deleteOldLists(camera, oldest - maxSegmentMicros);
        }
        enforceBytes(cameras);
        if (usable() < this.settings.minFree().toBytes()) {
            this.floorReached.increment();
            floorLog.warn("The disk has {} MB free, under udp.recording.min-free ({}): deleting the oldest recordings",
                    usable() >> 20, this.settings.minFree());
            while (usable() < this.settings.minFree().toBytes()) {
                if (!deleteOldestOfAll(cameras, "min-free")) {
                    // only open segments are left: seal them, to go next time
                    for (CameraLog camera : cameras) {
                        camera.seal();
                    }
                    if (!deleteOldestOfAll(cameras, "min-free")) {
                        break;
                    }
                }
            }
        }
    }

    /**
     * The byte bounds alone: also right after a segment is sealed, so that what is kept
     * passes them by at most the open segments.
     */
    synchronized void enforceBytes(Collection<CameraLog> cameras) throws IOException {
        for (CameraLog camera : cameras) {
            var own = this.settings.maxBytesOf(camera.camera);
            while (own != null && camera.bytes() > own.toBytes() && delete(camera, "camera-bytes")) {
                // the camera's own bound
            }
        }
        long max = this.settings.maxBytes().toBytes();
        while (total(cameras) > max && deleteOldestOfAll(cameras, "bytes")) {
            // all cameras' bound
        }
    }

    private static long total(Collection<CameraLog> cameras) {
        return cameras.stream().mapToLong(CameraLog::bytes).sum();
    }

    private boolean deleteOldestOfAll(Collection<CameraLog> cameras, String reason) throws IOException {
        CameraLog oldest = null;
        long oldestMicros = Long.MAX_VALUE;
        for (CameraLog camera : cameras) {
            Segment segment = camera.oldestSealed();
            if (segment != null && segment.lastMicros < oldestMicros) {
                oldest = camera;
                oldestMicros = segment.lastMicros;
            }
        }
        return oldest != null && delete(oldest, reason);
    }

    private boolean delete(CameraLog camera, String reason) throws IOException {
        if (camera.deleteOldest() == 0) {
            return false;
        }
        this.deleted
            .computeIfAbsent(reason,
                    r -> Counter.builder("udp.recording.segments.deleted")
                        .description("Segments deleted by retention, by reason (age, camera-bytes, bytes, min-free)")
                        .tag("reason", r)
                        .register(this.registry))
            .increment();
        return true;
    }

    private long usable() throws IOException {
        FileStore store = Files.getFileStore(this.root);
        return store.getUsableSpace();
    }

    /** Lists files whose every line is older than the camera's retention. */
    private static void deleteOldLists(CameraLog camera, long beforeMicros) throws IOException {
        if (!Files.isDirectory(camera.listsDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(camera.listsDir)) {
            List<Path> old = files.filter(file -> startOf(file) < beforeMicros)
                .sorted(Comparator.comparing(Path::getFileName))
                .toList();
            // the newest file may be the open one
            for (Path file : old) {
                Files.deleteIfExists(file);
            }
        }
    }

    static long startOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        try {
            return Long.parseLong(dot < 0 ? name : name.substring(0, dot));
        }
        catch (NumberFormatException ex) {
            return Long.MAX_VALUE;
        }
    }

}
