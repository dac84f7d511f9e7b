package dev.udpimage.store.cluster;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.recording.EventFootage;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.recording.retention.RetentionPolicy;
import dev.udpimage.recording.retention.StoredSegment;

/**
 * What the cluster's recording may keep, enforced on whole segments, cluster-wide, by
 * whichever instance takes the advisory lock for a pass, as the {@link RetentionPolicy}
 * decides (the file backend's too): each camera's age bound
 * ({@code udp.recording.retention} or its own), each camera's own byte bound, and all
 * cameras' bytes together ({@code udp.recording.max-bytes}). A segment's row goes first
 * (its image rows with it), then its object; an object whose delete failed is the
 * {@link OrphanSweeper}'s. Lists are kept as long as the age bound, and at most
 * {@value #MAX_LISTS} of them. Each deleted segment is counted by reason.
 */
class ClusterRetention {

    private static final Logger log = LoggerFactory.getLogger(ClusterRetention.class);

    /** The most lists kept, whatever their age. */
    static final int MAX_LISTS = 1_000_000;

    private final JdbcClient jdbc;

    private final TransactionTemplate transactions;

    private final SegmentObjects segments;

    private final RecordingProperties settings;

    private final MeterRegistry registry;

    private final RetentionPolicy policy;

    private final Map<String, Counter> deleted = new ConcurrentHashMap<>();

    private final ObjectProvider<EventFootage> footage;

    private final ObjectProvider<ClusterEventStore> events;

    ClusterRetention(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segments,
            RecordingProperties settings, MeterRegistry registry, ObjectProvider<EventFootage> footage,
            ObjectProvider<ClusterEventStore> events) {
        this.footage = footage;
        this.events = events;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.segments = segments;
        this.settings = settings;
        this.registry = registry;
        this.policy = new RetentionPolicy(settings.retentionBounds());
    }

    /** A deleted segment's object and why it went. */
    private record Deleted(String key, String reason) {
    }

    /** What the scheduler runs every {@code udp.recording.retention-interval}. */
    void enforceOnSchedule() {
        try {
            enforce(Instant.now());
        }
        catch (RuntimeException ex) {
            log.warn("Recording retention failed (tried again shortly): {}", ex.toString());
        }
    }

    /**
     * One pass, unless another instance is making one: the {@link RetentionPolicy}
     * decides from the segment rows, their rows (and their image rows) go in one
     * transaction, then their objects.
     * @return the objects deleted
     */
    List<String> enforce(Instant now) {
        List<Deleted> gone = this.transactions.execute(status -> {
            boolean locked = this.jdbc.sql("select pg_try_advisory_xact_lock(hashtextextended('udp-retention', 0))")
                .query(Boolean.class)
                .single();
            if (!locked) {
                return List.<Deleted>of();
            }
            List<StoredSegment> stored = this.jdbc.sql("select camera, id, started_at, ended_at, bytes from segment")
                .query((rs, row) -> new StoredSegment(rs.getString(1), rs.getLong(2),
                        IndexTimes.micros(rs.getObject(3, OffsetDateTime.class).toInstant()),
                        IndexTimes.micros(rs.getObject(4, OffsetDateTime.class).toInstant()), rs.getLong(5), false))
                .list();
            RetentionPolicy.Decision decision = this.policy.decide(stored,
                    EventFootage.kept(this.footage.getIfAvailable(), this.settings), IndexTimes.micros(now), 0);
            List<Deleted> keys = new ArrayList<>();
            if (!decision.deletions().isEmpty()) {
                Map<Long, RetentionPolicy.Reason> reasons = new HashMap<>();
                decision.deletions().forEach(deletion -> reasons.put(deletion.segment().id(), deletion.reason()));
                this.jdbc.sql("delete from segment where id = any(?) returning id, object_key")
                    .param(reasons.keySet().stream().mapToLong(Long::longValue).toArray())
                    .query((rs, row) -> new Deleted(rs.getString(2), reasons.get(rs.getLong(1)).tag))
                    .list()
                    .forEach(keys::add);
            }
            ClusterEventStore events = this.events.getIfAvailable();
            if (events != null) {
                events.deleteEnded(now, this.settings);
            }
            this.jdbc.sql("delete from list where received_at < ?")
                .param(utc(now.minus(this.settings.retention())))
                .update();
            this.jdbc.sql("delete from list where id <= (select id from list order by id desc offset ? limit 1)")
                .param(MAX_LISTS)
                .update();
            return keys;
        });
        if (gone == null || gone.isEmpty()) {
            return List.of();
        }
        List<String> keys = gone.stream().map(Deleted::key).toList();
        this.segments.forget(keys);
        try {
            this.segments.objects().delete(keys);
        }
        catch (RuntimeException ex) {
            log.warn("Could not delete {} segment objects now ({}); the sweeper will", keys.size(), ex.toString());
        }
        for (Deleted one : gone) {
            this.deleted
                .computeIfAbsent(one.reason(), reason -> Counter.builder("udp.recording.segments.deleted")
                    .description("Segments deleted by retention, by reason (age, camera-bytes, bytes, min-free)")
                    .tag("reason", reason)
                    .register(this.registry))
                .increment();
        }
        log.info("Recording retention deleted {} segments", gone.size());
        return keys;
    }

    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

}
