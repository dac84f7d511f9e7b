package dev.udpimage.recording.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Retention decided from a listing alone: what goes, in which order and why, with no disk
 * and no clock.
 */
class RetentionPolicyTest {

    private static final long S = 1_000_000;

    private static final long NOW = 10_000 * S;

    /** A camera's segments of a minute each, back to back, ending {@code endsAgo} ago. */
    private static List<StoredSegment> minutes(String camera, int count, long bytes, long endsAgo, boolean lastOpen) {
        List<StoredSegment> segments = new ArrayList<>();
        long end = NOW - endsAgo;
        for (int i = 0; i < count; i++) {
            long last = end - (count - 1 - i) * 60 * S;
            segments.add(new StoredSegment(camera, last - 60 * S + 1, last - 60 * S + 1, last, bytes,
                    lastOpen && i == count - 1));
        }
        return segments;
    }

    private static RetentionPolicy.Bounds bounds(Duration retention, Map<String, Duration> own,
            Map<String, Long> ownBytes, long maxBytes) {
        return bounds(retention, own, ownBytes, maxBytes, Duration.ZERO);
    }

    private static RetentionPolicy.Bounds bounds(Duration retention, Map<String, Duration> own,
            Map<String, Long> ownBytes, long maxBytes, Duration eventsRetention) {
        return new RetentionPolicy.Bounds() {

            @Override
            public Duration eventsRetentionOf(String camera) {
                return eventsRetention;
            }

            @Override
            public Duration retentionOf(String camera) {
                return own.getOrDefault(camera, retention);
            }

            @Override
            public Long maxBytesOf(String camera) {
                return ownBytes.get(camera);
            }

            @Override
            public long maxBytes() {
                return maxBytes;
            }

        };
    }

    private static List<String> deleted(RetentionPolicy.Decision decision) {
        return decision.deletions()
            .stream()
            .map(d -> d.segment().camera() + "@" + (NOW - d.segment().lastMicros()) / S + "s:" + d.reason().tag)
            .toList();
    }

    @Test
    void ageDeletesEachCamerasSegmentsOlderThanItsOwnRetentionNeverTheOpenOne() {
        List<StoredSegment> stored = new ArrayList<>();
        stored.addAll(minutes("a", 5, 100, 0, true)); // ends now, 0..240 s ago
        stored.addAll(minutes("b", 5, 100, 0, true));
        RetentionPolicy policy = new RetentionPolicy(
                bounds(Duration.ofSeconds(150), Map.of("b", Duration.ofSeconds(30)), Map.of(), Long.MAX_VALUE));
        RetentionPolicy.Decision decision = policy.decide(stored, NOW, 0);
        assertThat(deleted(decision)).containsExactlyInAnyOrder("a@240s:age", "a@180s:age", "b@240s:age", "b@180s:age",
                "b@120s:age", "b@60s:age");
        assertThat(decision.finishOpen()).isFalse();
        // even the open one's age does not delete it
        assertThat(policy.decide(minutes("c", 1, 100, 3600 * S, true), NOW, 0).deletions()).isEmpty();
    }

    @Test
    void aCamerasOwnByteBoundDeletesItsOldestFirst() {
        List<StoredSegment> stored = new ArrayList<>(minutes("a", 4, 100, 0, true));
        stored.addAll(minutes("b", 4, 100, 0, true));
        RetentionPolicy policy = new RetentionPolicy(
                bounds(Duration.ofDays(1), Map.of(), Map.of("a", 250L), Long.MAX_VALUE));
        assertThat(deleted(policy.decide(stored, NOW, 0))).containsExactly("a@180s:camera-bytes",
                "a@120s:camera-bytes");
    }

    @Test
    void theTotalBoundDeletesTheOldestOfAnyCameraFirst() {
        List<StoredSegment> stored = new ArrayList<>(minutes("a", 3, 100, 0, true));
        stored.addAll(minutes("b", 3, 100, 30 * S, false)); // b's segments end 30 s
                                                            // before a's
        RetentionPolicy policy = new RetentionPolicy(bounds(Duration.ofDays(1), Map.of(), Map.of(), 350));
        assertThat(deleted(policy.decide(stored, NOW, 0))).containsExactly("b@150s:bytes", "a@120s:bytes",
                "b@90s:bytes");
    }

    @Test
    void theFloorFreesWhatItMustCountingWhatTheOtherRulesFreedAndAsksForTheOpenOnesLast() {
        List<StoredSegment> stored = new ArrayList<>(minutes("a", 3, 100, 0, true));
        RetentionPolicy policy = new RetentionPolicy(
                bounds(Duration.ofSeconds(100), Map.of(), Map.of(), Long.MAX_VALUE));
        // age frees the oldest (100 bytes): 50 more to free takes one more
        assertThat(deleted(policy.decide(stored, NOW, 150))).containsExactly("a@120s:age", "a@60s:min-free");
        assertThat(policy.decide(stored, NOW, 150).finishOpen()).isFalse();
        // more than every finished segment holds: the open one must be finished first
        RetentionPolicy.Decision all = policy.decide(stored, NOW, 1000);
        assertThat(deleted(all)).containsExactly("a@120s:age", "a@60s:min-free");
        assertThat(all.finishOpen()).isTrue();
        List<StoredSegment> finished = minutes("a", 3, 100, 0, false);
        assertThat(deleted(policy.decide(finished, NOW, 1000))).containsExactly("a@120s:age", "a@60s:min-free",
                "a@0s:min-free");
    }

    @Test
    void segmentsUnderAnEventAreKeptForTheEventsRetentionButTheByteBoundsStillWin() {
        // 20 one-minute segments ending 0..1140 s ago; an event from 610 s to 540 s ago
        List<StoredSegment> stored = new ArrayList<>(minutes("a", 20, 100, 0, true));
        List<RetentionPolicy.Kept> kept = List.of(new RetentionPolicy.Kept("a", NOW - 610 * S, NOW - 540 * S));
        RetentionPolicy policy = new RetentionPolicy(
                bounds(Duration.ofSeconds(150), Map.of(), Map.of(), Long.MAX_VALUE, Duration.ofSeconds(900)));
        List<String> gone = deleted(policy.decide(stored, kept, NOW, 0));
        // kept: the segments ending 600 s (covers 660..600) and 540 s ago (600..540)
        assertThat(gone).doesNotContain("a@600s:age", "a@540s:age")
            .contains("a@660s:age", "a@480s:age", "a@180s:age")
            .hasSize(20 - 3 - 2);
        // past the events retention, they go too
        RetentionPolicy shorter = new RetentionPolicy(
                bounds(Duration.ofSeconds(150), Map.of(), Map.of(), Long.MAX_VALUE, Duration.ofSeconds(570)));
        assertThat(deleted(shorter.decide(stored, kept, NOW, 0))).contains("a@600s:age").doesNotContain("a@540s:age");
        // the total bound deletes them, oldest first, like any other
        RetentionPolicy bytes = new RetentionPolicy(
                bounds(Duration.ofSeconds(150), Map.of(), Map.of(), 250, Duration.ofSeconds(900)));
        assertThat(deleted(bytes.decide(stored, kept, NOW, 0))).contains("a@600s:bytes", "a@540s:bytes");
    }

    @Test
    void nothingGoesWhenEverythingIsWithinItsBounds() {
        List<StoredSegment> stored = new ArrayList<>(minutes("a", 10, 100, 0, true));
        RetentionPolicy policy = new RetentionPolicy(bounds(Duration.ofDays(7), Map.of(), Map.of("a", 1000L), 1000));
        RetentionPolicy.Decision decision = policy.decide(stored, NOW, 0);
        assertThat(decision.deletions()).isEmpty();
        assertThat(decision.finishOpen()).isFalse();
        assertThat(policy.decide(List.of(), NOW, 100).finishOpen()).isTrue();
    }

}
