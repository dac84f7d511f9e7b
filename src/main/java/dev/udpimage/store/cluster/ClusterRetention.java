package dev.udpimage.store.cluster;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.recording.RecordingProperties;

/**
 * What the cluster's recording may keep, enforced on whole segments, cluster-wide, by
 * whichever instance takes the advisory lock for a pass: each camera's age bound
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

    private final Map<String, Counter> deleted = new ConcurrentHashMap<>();

    ClusterRetention(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segments,
            RecordingProperties settings, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.segments = segments;
        this.settings = settings;
        this.registry = registry;
    }

    @Scheduled(initialDelayString = "${udp.recording.retention-interval:5s}",
            fixedDelayString = "${udp.recording.retention-interval:5s}")
    void enforceOnSchedule() {
        try {
            enforce(Instant.now());
        }
        catch (RuntimeException ex) {
            log.warn("Recording retention failed (tried again shortly): {}", ex.toString());
        }
    }

    /** A deleted segment's object and why it went. */
    private record Deleted(String key, String reason) {
    }

    /**
     * One pass, unless another instance is making one.
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
            List<Deleted> keys = new ArrayList<>();
            List<String> own = new ArrayList<>(this.settings.cameras().keySet());
            // the age bound: the default for cameras without their own, then each own
            delete(keys, "age", "delete from segment where ended_at < ? and camera <> all(?) returning object_key",
                    utc(now.minus(this.settings.retention())), own.toArray(String[]::new));
            for (String camera : own) {
                delete(keys, "age", "delete from segment where camera = ? and ended_at < ? returning object_key",
                        camera, utc(now.minus(this.settings.retentionOf(camera))));
                if (this.settings.maxBytesOf(camera) != null) {
                    delete(keys, "camera-bytes", """
                            delete from segment where id in (
                                select id from (select id, sum(bytes) over (order by ended_at desc) as total
                                                from segment where camera = ?) kept where kept.total > ?)
                            returning object_key""", camera, this.settings.maxBytesOf(camera).toBytes());
                }
            }
            delete(keys, "bytes", """
                    delete from segment where id in (
                        select id from (select id, sum(bytes) over (order by ended_at desc) as total from segment) kept
                        where kept.total > ?)
                    returning object_key""", this.settings.maxBytes().toBytes());
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

    private void delete(List<Deleted> into, String reason, String sql, Object... params) {
        this.jdbc.sql(sql).params(params).query(String.class).list().forEach(key -> into.add(new Deleted(key, reason)));
    }

    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

}
