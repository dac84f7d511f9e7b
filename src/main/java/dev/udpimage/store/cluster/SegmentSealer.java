package dev.udpimage.store.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.recording.format.FrameRecord;
import dev.udpimage.recording.format.IndexEntry;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.StoreProperties;

/**
 * Moves the bytes PostgreSQL holds for each camera into one object per segment: once a
 * camera's oldest held frame is {@code udp.recording.segment-duration} old, or its held
 * bytes reach {@code udp.recording.segment-bytes} (at most {@code udp.store}'s
 * {@code CLUSTER_SEGMENT_BYTES} here, built in memory), its frames of that span are PUT
 * as one object and, in the same transaction, the segment's row (with its index) is
 * inserted and their image rows let go of their bytes. The object is the recording's one
 * format ({@code dev.udpimage.recording.format}): readable and verifiable alone. Until
 * that transaction commits the rows hold the bytes, so a receiver lost at any point loses
 * nothing acknowledged. Every instance seals every camera, whoever received it (so a dead
 * receiver's frames are sealed by the others); an advisory lock per camera keeps two from
 * sealing the same frames, and an object whose transaction never committed is the
 * {@link OrphanSweeper}'s.
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

    /** What the scheduler runs every {@code udp.recording.seal-interval}. */
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
    private record Frame(long id, Instant receivedAt, int bytes, ImageMetadata metadata) {
    }

    /**
     * Seals the oldest segment's worth of a camera's held frames, unless another instance
     * is sealing that camera now: one object in the recording's format (each frame a
     * self-describing record), its index, and the image rows let go of their bytes, in
     * one transaction.
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
                    select id, sender, received_at, bytes, datagrams, width, height, format, transport, transfer_ms
                    from image where camera = ? and data is not null and segment_id is null order by received_at, id""")
                .param(camera)
                .query((rs, row) -> {
                    Instant received = rs.getObject("received_at", OffsetDateTime.class).toInstant();
                    ImageMetadata metadata = new ImageMetadata(rs.getLong("id"), rs.getString("sender"), received,
                            rs.getInt("bytes"), rs.getInt("datagrams"), rs.getInt("width"), rs.getInt("height"),
                            rs.getString("format"), rs.getString("transport"), rs.getDouble("transfer_ms"));
                    return new Frame(metadata.id(), received, metadata.bytes(), metadata);
                })
                .list());
            if (frames.isEmpty()) {
                return false;
            }
            // index times follow the camera's last sealed frame, as ClusterRecording
            // lists
            // them while they are held
            long last = this.jdbc.sql("select max(ended_at) from segment where camera = ?")
                .param(camera)
                .query(OffsetDateTime.class)
                .optional()
                .map(time -> IndexTimes.micros(time.toInstant()))
                .orElse(IndexTimes.NONE);
            long[] ids = frames.stream().mapToLong(Frame::id).toArray();
            ByteArrayOutputStream object = new ByteArrayOutputStream(
                    Math.toIntExact(frames.stream().mapToLong(frame -> frame.bytes() + 128L).sum()));
            List<IndexEntry> entries = new ArrayList<>(frames.size());
            long[] offsets = new long[frames.size()];
            int[] next = { 0 };
            long[] previous = { last };
            this.jdbc.sql("select data from image where id = any(?) order by received_at, id").param(ids).query(rs -> {
                byte[] image = rs.getBytes(1);
                int i = next[0]++;
                if (i >= frames.size() || frames.get(i).bytes() != image.length) {
                    throw new IllegalStateException(camera + ": held frames changed while sealing");
                }
                Frame frame = frames.get(i);
                previous[0] = IndexTimes.next(previous[0], IndexTimes.micros(frame.receivedAt()));
                ByteBuffer header = FrameRecord.header(frame.metadata(), image);
                IndexEntry entry = IndexEntry.of(previous[0], object.size(), header.remaining(), frame.metadata());
                object.write(header.array(), 0, header.remaining());
                object.write(image, 0, image.length);
                entries.add(entry);
                offsets[i] = entry.imageOffset();
            });
            if (next[0] != frames.size()) {
                throw new IllegalStateException(camera + ": held frames changed while sealing");
            }
            byte[] bytes = object.toByteArray();
            Instant from = IndexTimes.instant(entries.get(0).micros());
            Instant to = IndexTimes.instant(entries.get(entries.size() - 1).micros());
            String key = ObjectKeys.segmentKey(camera, from.toEpochMilli());
            this.segments.objects().put(key, bytes, "application/octet-stream");
            long segment = this.jdbc
                .sql("""
                        insert into segment (camera, started_at, ended_at, frames, bytes, object_key, index_entries, instance)
                        values (?, ?, ?, ?, ?, ?, ?, ?) returning id""")
                .params(camera, utc(from), utc(to), frames.size(), bytes.length, key, IndexEntry.encode(entries),
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
