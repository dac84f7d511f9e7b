package dev.udpimage.store.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.store.StoreProperties;

/**
 * Moves the bytes PostgreSQL holds for each camera into one object per segment: once a
 * camera's oldest held frame is {@code udp.recording.segment-duration} old, or its held
 * bytes reach {@code udp.recording.segment-bytes} (at most {@code udp.store}'s
 * {@code CLUSTER_SEGMENT_BYTES} here, built in memory), its frames of that span are PUT
 * as one object and, in the same transaction, the segment's row (with its index) is
 * inserted and their image rows let go of their bytes. Until that transaction commits the
 * rows hold the bytes, so a receiver lost at any point loses nothing acknowledged. Every
 * instance seals every camera, whoever received it (so a dead receiver's frames are
 * sealed by the others); an advisory lock per camera keeps two from sealing the same
 * frames, and an object whose transaction never committed is the {@link OrphanSweeper}'s.
 */
class SegmentSealer {

    private static final Logger log = LoggerFactory.getLogger(SegmentSealer.class);

    /** A failing seal is logged at most this often. */
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);

    private final JdbcClient jdbc;

    private final TransactionTemplate transactions;

    private final SegmentObjects segments;

    private final ClusterStore store;

    private final String instance;

    private final Duration duration;

    private final long maxBytes;

    private final Counter sealed;

    private final Counter failed;

    private final Timer sealTime;

    private final AtomicLong heldBytes = new AtomicLong();

    private final AtomicLong heldFrames = new AtomicLong();

    private volatile Instant lastFailureLog = Instant.EPOCH;

    /**
     * @param jdbc whose template reads rows in batches (a fetch size), so a segment's
     * bytes are not all buffered twice
     */
    SegmentSealer(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segments, ClusterStore store,
            String instance, Duration duration, long maxBytes, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.segments = segments;
        this.store = store;
        this.instance = instance;
        this.duration = duration;
        this.maxBytes = Math.min(maxBytes, StoreProperties.CLUSTER_SEGMENT_BYTES);
        this.sealed = Counter.builder("udp.recording.segments.sealed")
            .description("Segments written to object storage, one object each")
            .register(registry);
        this.failed = Counter.builder("udp.recording.seal.failures")
            .description("Segments that could not be sealed (their frames stay held and are tried again)")
            .register(registry);
        this.sealTime = Timer.builder("udp.recording.seal")
            .description("Sealing a segment: reading its frames, its PUT, and its commit")
            .register(registry);
        Gauge.builder("udp.recording.held.bytes", this.heldBytes, AtomicLong::get)
            .description("Bytes of frames PostgreSQL holds until their segment is sealed, all cameras")
            .baseUnit("bytes")
            .register(registry);
        Gauge.builder("udp.recording.held.frames", this.heldFrames, AtomicLong::get)
            .description("Frames PostgreSQL holds until their segment is sealed, all cameras")
            .register(registry);
    }

    @Scheduled(initialDelayString = "${udp.recording.seal-interval:1s}",
            fixedDelayString = "${udp.recording.seal-interval:1s}")
    void sealOnSchedule() {
        try {
            sealDue(Instant.now());
        }
        catch (RuntimeException ex) {
            this.failed.increment();
            if (Instant.now().isAfter(this.lastFailureLog.plus(LOG_EVERY))) {
                this.lastFailureLog = Instant.now();
                log.warn("Sealing segments failed (the frames stay held in PostgreSQL): {}", ex.toString());
            }
        }
    }

    /** A camera's held frames. */
    private record Held(String camera, Instant oldest, long frames, long bytes) {
    }

    /**
     * Seals a segment of every camera that has one due at {@code now}.
     * @return how many were sealed
     */
    int sealDue(Instant now) {
        List<Held> held = this.jdbc
            .sql("select camera, min(received_at) as oldest, count(*) as frames, sum(bytes) as bytes from image "
                    + "where data is not null and segment_id is null group by camera")
            .query((rs, row) -> new Held(rs.getString("camera"),
                    rs.getObject("oldest", OffsetDateTime.class).toInstant(), rs.getLong("frames"),
                    rs.getLong("bytes")))
            .list();
        this.heldBytes.set(held.stream().mapToLong(Held::bytes).sum());
        this.heldFrames.set(held.stream().mapToLong(Held::frames).sum());
        int count = 0;
        for (Held camera : held) {
            if (camera.bytes() >= this.maxBytes || !camera.oldest().plus(this.duration).isAfter(now)) {
                count += seal(camera.camera()) ? 1 : 0;
            }
        }
        if (count > 0) {
            this.store.trimHistory();
        }
        return count;
    }

    /** A held frame's row, without its bytes. */
    private record Frame(long id, Instant receivedAt, int bytes, int width, int height, String format) {
    }

    /**
     * Seals the oldest segment's worth of a camera's held frames, unless another instance
     * is sealing that camera now.
     */
    boolean seal(String camera) {
        Boolean done = this.sealTime.record(() -> this.transactions.execute(status -> {
            boolean locked = this.jdbc.sql("select pg_try_advisory_xact_lock(hashtextextended(?, 0))")
                .param("udp-seal " + camera)
                .query(Boolean.class)
                .single();
            if (!locked) {
                return false;
            }
            List<Frame> frames = cut(this.jdbc.sql("""
                    select id, received_at, bytes, width, height, format from image
                    where camera = ? and data is not null and segment_id is null order by received_at, id""")
                .param(camera)
                .query((rs, row) -> new Frame(rs.getLong("id"),
                        rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getInt("bytes"),
                        rs.getInt("width"), rs.getInt("height"), rs.getString("format")))
                .list());
            if (frames.isEmpty()) {
                return false;
            }
            // index times strictly increase per camera, across segments too
            long last = this.jdbc.sql("select max(ended_at) from segment where camera = ?")
                .param(camera)
                .query(OffsetDateTime.class)
                .optional()
                .map(time -> SegmentIndex.micros(time.toInstant()))
                .orElse(Long.MIN_VALUE);
            long total = frames.stream().mapToLong(Frame::bytes).sum();
            byte[] bytes = new byte[Math.toIntExact(total)];
            int[] filled = new int[1];
            long[] ids = frames.stream().mapToLong(Frame::id).toArray();
            this.jdbc.sql("select data from image where id = any(?) order by received_at, id").param(ids).query(rs -> {
                byte[] frame = rs.getBytes(1);
                if (filled[0] + frame.length > bytes.length) {
                    throw new IllegalStateException(camera + ": held frames changed while sealing");
                }
                System.arraycopy(frame, 0, bytes, filled[0], frame.length);
                filled[0] += frame.length;
            });
            if (filled[0] != bytes.length) {
                throw new IllegalStateException(camera + ": held frames changed while sealing");
            }
            List<SegmentIndex.Entry> entries = new ArrayList<>(frames.size());
            long[] offsets = new long[frames.size()];
            long offset = 0;
            for (int i = 0; i < frames.size(); i++) {
                Frame frame = frames.get(i);
                last = Math.max(SegmentIndex.micros(frame.receivedAt()), last + 1);
                entries.add(new SegmentIndex.Entry(last, offset, frame.bytes(), frame.width(), frame.height(),
                        frame.id(), frame.format()));
                offsets[i] = offset;
                offset += frame.bytes();
            }
            Instant from = entries.get(0).time();
            Instant to = entries.get(entries.size() - 1).time();
            String key = ObjectKeys.segmentKey(camera, from.toEpochMilli());
            this.segments.objects().put(key, bytes, "application/octet-stream");
            long segment = this.jdbc.sql("""
                    insert into segment (camera, started_at, ended_at, frames, bytes, object_key, frame_index, instance)
                    values (?, ?, ?, ?, ?, ?, ?, ?) returning id""")
                .params(camera, utc(from), utc(to), frames.size(), bytes.length, key, SegmentIndex.encode(entries),
                        this.instance)
                .query(Long.class)
                .single();
            int moved = this.jdbc.sql("""
                    update image set segment_id = ?, segment_offset = moved.segment_offset, data = null
                    from unnest(?::bigint[], ?::bigint[]) as moved(id, segment_offset) where image.id = moved.id""")
                .params(segment, ids, offsets)
                .update();
            if (moved != ids.length) {
                throw new IllegalStateException(camera + ": " + moved + " of " + ids.length + " frames moved");
            }
            this.segments.remember(key, bytes);
            return true;
        }));
        if (Boolean.TRUE.equals(done)) {
            this.sealed.increment();
            return true;
        }
        return false;
    }

    /** The oldest frames within one segment's duration and bytes (at least one). */
    private List<Frame> cut(List<Frame> held) {
        List<Frame> cut = new ArrayList<>();
        long bytes = 0;
        for (Frame frame : held) {
            boolean fits = cut.isEmpty() || (frame.receivedAt().isBefore(cut.get(0).receivedAt().plus(this.duration))
                    && bytes + frame.bytes() <= this.maxBytes);
            if (!fits) {
                break;
            }
            cut.add(frame);
            bytes += frame.bytes();
        }
        return cut;
    }

    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

}
