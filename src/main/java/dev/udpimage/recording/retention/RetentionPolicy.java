package dev.udpimage.recording.retention;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Which segments go, decided from what is stored alone (no disk, no clock, no database):
 * whole segments, never an open one, oldest first, by
 * <ol>
 * <li>age: each camera's segments whose last frame is older than its retention
 * ({@code udp.recording.retention}, or its own); a segment under an event (one that
 * overlaps a kept stretch) by its events retention instead, if longer
 * ({@code udp.recording.events-retention});</li>
 * <li>each camera's own byte bound, its oldest first;</li>
 * <li>all cameras' bytes together ({@code udp.recording.max-bytes}), the oldest of any
 * camera first (by last frame);</li>
 * <li>the free space the disk must keep: {@code bytesToFree} more, the oldest of any
 * camera first; when that is not enough with every finished segment gone, the open
 * segments are to be finished so that they can go next.</li>
 * </ol>
 * Both backends ask it and carry out its answer.
 */
public final class RetentionPolicy {

    /** Why a segment goes (the tag of {@code udp.recording.segments.deleted}). */
    public enum Reason {

        AGE("age"), CAMERA_BYTES("camera-bytes"), BYTES("bytes"), MIN_FREE("min-free");

        public final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

    }

    /** A segment to delete, and why. */
    public record Deletion(StoredSegment segment, Reason reason) {
    }

    /**
     * @param deletions in the order to carry them out
     * @param finishOpen the free space is still short with every finished segment gone:
     * finish the open segments, and ask again
     */
    public record Decision(List<Deletion> deletions, boolean finishOpen) {
    }

    /** The bounds in force. */
    public interface Bounds {

        /** How long a camera's segments are kept. */
        Duration retentionOf(String camera);

        /** A camera's own byte bound, or null. */
        Long maxBytesOf(String camera);

        /** All cameras' bytes together. */
        long maxBytes();

        /** How long a camera's segments under an event are kept. */
        default Duration eventsRetentionOf(String camera) {
            return Duration.ZERO;
        }

    }

    /**
     * A stretch of a camera's footage that an event covers.
     *
     * @param camera whose
     * @param fromMicros its start
     * @param toMicros its end
     */
    public record Kept(String camera, long fromMicros, long toMicros) {
    }

    private final Bounds bounds;

    public RetentionPolicy(Bounds bounds) {
        this.bounds = bounds;
    }

    public Decision decide(Collection<StoredSegment> stored, long nowMicros, long bytesToFree) {
        return decide(stored, List.of(), nowMicros, bytesToFree);
    }

    /**
     * @param kept the stretches events cover, kept for the events retention
     */
    public Decision decide(Collection<StoredSegment> stored, Collection<Kept> kept, long nowMicros, long bytesToFree) {
        Map<String, List<Kept>> keptByCamera = new HashMap<>();
        kept.forEach(
                stretch -> keptByCamera.computeIfAbsent(stretch.camera(), camera -> new ArrayList<>()).add(stretch));
        Map<String, Deque<StoredSegment>> byCamera = new HashMap<>();
        Map<String, Long> cameraBytes = new HashMap<>();
        long total = 0;
        List<StoredSegment> sorted = new ArrayList<>(stored);
        sorted.sort(Comparator.comparingLong(StoredSegment::firstMicros).thenComparingLong(StoredSegment::id));
        for (StoredSegment segment : sorted) {
            byCamera.computeIfAbsent(segment.camera(), camera -> new ArrayDeque<>()).add(segment);
            cameraBytes.merge(segment.camera(), segment.bytes(), Long::sum);
            total += segment.bytes();
        }
        List<Deletion> deletions = new ArrayList<>();
        Function<Deletion, Long> take = deletion -> {
            deletions.add(deletion);
            cameraBytes.merge(deletion.segment().camera(), -deletion.segment().bytes(), Long::sum);
            return deletion.segment().bytes();
        };
        for (Map.Entry<String, Deque<StoredSegment>> camera : byCamera.entrySet()) {
            long oldest = nowMicros - this.bounds.retentionOf(camera.getKey()).toNanos() / 1000;
            long oldestKept = Math.min(oldest,
                    nowMicros - this.bounds.eventsRetentionOf(camera.getKey()).toNanos() / 1000);
            List<Kept> stretches = keptByCamera.getOrDefault(camera.getKey(), List.of());
            Deque<StoredSegment> segments = camera.getValue();
            // segments under an event stay, in order, for the byte bounds to weigh
            List<StoredSegment> skipped = new ArrayList<>();
            while (finishedFirst(segments) && segments.peekFirst().lastMicros() < oldest) {
                StoredSegment first = segments.pollFirst();
                if (first.lastMicros() >= oldestKept && underAnEvent(first, stretches)) {
                    skipped.add(first);
                }
                else {
                    total -= take.apply(new Deletion(first, Reason.AGE));
                }
            }
            for (int i = skipped.size() - 1; i >= 0; i--) {
                segments.addFirst(skipped.get(i));
            }
            Long own = this.bounds.maxBytesOf(camera.getKey());
            while (own != null && cameraBytes.get(camera.getKey()) > own && finishedFirst(segments)) {
                total -= take.apply(new Deletion(segments.pollFirst(), Reason.CAMERA_BYTES));
            }
        }
        PriorityQueue<Deque<StoredSegment>> oldestFirst = new PriorityQueue<>(
                Comparator.comparingLong((Deque<StoredSegment> segments) -> segments.peekFirst().lastMicros()));
        byCamera.values().stream().filter(RetentionPolicy::finishedFirst).forEach(oldestFirst::add);
        // what the rules above delete frees the disk too
        long freed = deletions.stream().mapToLong(deletion -> deletion.segment().bytes()).sum();
        while (!oldestFirst.isEmpty() && (total > this.bounds.maxBytes() || freed < bytesToFree)) {
            Deque<StoredSegment> segments = oldestFirst.poll();
            Reason reason = total > this.bounds.maxBytes() ? Reason.BYTES : Reason.MIN_FREE;
            long bytes = take.apply(new Deletion(segments.pollFirst(), reason));
            total -= bytes;
            freed += bytes;
            if (finishedFirst(segments)) {
                oldestFirst.add(segments);
            }
        }
        return new Decision(List.copyOf(deletions), freed < bytesToFree);
    }

    private static boolean underAnEvent(StoredSegment segment, List<Kept> stretches) {
        for (Kept stretch : stretches) {
            if (segment.firstMicros() <= stretch.toMicros() && segment.lastMicros() >= stretch.fromMicros()) {
                return true;
            }
        }
        return false;
    }

    private static boolean finishedFirst(Deque<StoredSegment> segments) {
        return !segments.isEmpty() && !segments.peekFirst().open();
    }

}
