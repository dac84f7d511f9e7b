package dev.udpimage.store.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.store.CameraKey;
import dev.udpimage.recording.CameraRecording;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.Recording;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.ReceivedStore;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster's recording, as every instance reads it: sealed segments (their rows and
 * indexes in PostgreSQL, their frames in one object each) and, after them, the frames
 * PostgreSQL still holds ({@link SegmentSealer}). The two are read in one snapshot, so a
 * frame sealed meanwhile is seen once. The {@link ClusterStore} records as it saves:
 * {@code record} is for stores that hand frames over. A held frame is named by its image
 * row ({@code segment} is minus its id); a sealed one by its segment.
 */
class ClusterRecording implements Recording {

    private static final String HELD = "data is not null and segment_id is null";

    private final JdbcClient jdbc;

    private final TransactionTemplate snapshot;

    private final SegmentObjects segments;

    private final ReceivedStore store;

    private final JsonMapper json;

    private final RecordingProperties settings;

    private final CameraKey streams;

    ClusterRecording(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segments, ReceivedStore store,
            JsonMapper json, RecordingProperties settings, CameraKey cameras) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions.getTransactionManager());
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.segments = segments;
        this.store = store;
        this.json = json;
        this.settings = settings;
        this.streams = cameras;
    }

    @Override
    public void record(ReceivedImage image, boolean durable) {
        throw new UnsupportedOperationException("the cluster store records each image as it saves it");
    }

    @Override
    public void record(ReceivedList list, boolean durable) {
        throw new UnsupportedOperationException("the cluster store records each list as it saves it");
    }

    @Override
    public List<ReceivedImage> newest(int count, long maxBytes) {
        List<ReceivedImage> newest = new ArrayList<>();
        long bytes = 0;
        for (var metadata : this.store.images()) {
            if (newest.size() >= count || bytes + metadata.bytes() > maxBytes) {
                break;
            }
            Optional<ReceivedImage> image = this.store.image(metadata.id());
            if (image.isPresent()) {
                newest.add(image.get());
                bytes += metadata.bytes();
            }
        }
        return newest;
    }

    @Override
    public List<CameraRecording> cameras() {
        return this.snapshot.execute(status -> {
            Map<String, Summary> summaries = new HashMap<>();
            this.jdbc
                .sql("select camera, min(started_at) as first, max(ended_at) as last, sum(frames) as frames, "
                        + "sum(bytes) as bytes, count(*) as segments from segment group by camera")
                .query(rs -> {
                    summaries.merge(rs.getString("camera"), summary(rs), Summary::plus);
                });
            this.jdbc
                .sql("select camera, min(received_at) as first, max(received_at) as last, count(*) as frames, "
                        + "sum(bytes) as bytes, 1 as segments from image where " + HELD + " group by camera")
                .query(rs -> {
                    summaries.merge(rs.getString("camera"), summary(rs), Summary::plus);
                });
            List<CameraRecording> list = new ArrayList<>();
            summaries.forEach((camera, summary) -> {
                var own = this.settings.maxBytesOf(camera);
                list.add(new CameraRecording(camera, summary.first(), summary.last(), summary.frames(), summary.bytes(),
                        summary.segments(), this.settings.retentionOf(camera), own == null ? null : own.toBytes()));
            });
            list.sort(Comparator.comparingLong(CameraRecording::frames).reversed());
            return list;
        });
    }

    private record Summary(Instant first, Instant last, long frames, long bytes, int segments) {

        Summary plus(Summary other) {
            return new Summary(this.first.isBefore(other.first) ? this.first : other.first,
                    this.last.isAfter(other.last) ? this.last : other.last, this.frames + other.frames,
                    this.bytes + other.bytes, this.segments + other.segments);
        }

    }

    private static Summary summary(ResultSet rs) throws SQLException {
        return new Summary(rs.getObject("first", OffsetDateTime.class).toInstant(),
                rs.getObject("last", OffsetDateTime.class).toInstant(), rs.getLong("frames"), rs.getLong("bytes"),
                rs.getInt("segments"));
    }

    @Override
    public List<Span> spans(String camera) {
        String key = this.streams.cameraOf(camera);
        return this.snapshot.execute(status -> {
            List<Span> spans = new ArrayList<>(this.jdbc
                .sql("select started_at, ended_at, frames from segment where camera = ? order by started_at")
                .param(key)
                .query((rs, row) -> new Span(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getLong(3)))
                .list());
            this.jdbc
                .sql("select min(received_at), max(received_at), count(*) from image where camera = ? and " + HELD
                        + " having count(*) > 0")
                .param(key)
                .query((rs, row) -> new Span(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getLong(3)))
                .optional()
                .ifPresent(spans::add);
            return spans;
        });
    }

    /** A sealed segment of a camera, its index not yet read. */
    private record SegmentRow(long id, Instant from, Instant to) {
    }

    @Override
    public List<RecordedFrame> frames(String camera, Instant from, Instant to, int limit) {
        String key = this.streams.cameraOf(camera);
        long fromMicros = SegmentIndex.micros(from);
        long toMicros = SegmentIndex.micros(to);
        return this.snapshot.execute(status -> {
            List<RecordedFrame> found = new ArrayList<>();
            List<SegmentRow> overlapping = this.jdbc
                .sql("select id, started_at, ended_at from segment where camera = ? and ended_at >= ? "
                        + "and started_at < ? order by started_at")
                .params(key, utc(from), utc(to))
                .query((rs, row) -> new SegmentRow(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                        rs.getObject(3, OffsetDateTime.class).toInstant()))
                .list();
            for (SegmentRow segment : overlapping) {
                for (SegmentIndex.Entry entry : index(segment.id())) {
                    if (found.size() >= limit || entry.micros() >= toMicros) {
                        return found;
                    }
                    if (entry.micros() >= fromMicros) {
                        found.add(frame(key, segment.id(), entry));
                    }
                }
            }
            if (found.size() < limit) {
                found.addAll(this.jdbc
                    .sql("select id, received_at, bytes, format, width, height from image where camera = ? and " + HELD
                            + " and received_at >= ? and received_at < ? order by received_at, id limit ?")
                    .params(key, utc(from), utc(to), limit - found.size())
                    .query((rs, row) -> held(key, rs))
                    .list());
            }
            return found;
        });
    }

    @Override
    public Optional<RecordedFrame> frameAt(String camera, Instant at) {
        String key = this.streams.cameraOf(camera);
        long micros = SegmentIndex.micros(at);
        return this.snapshot.execute(status -> {
            Optional<RecordedFrame> held = this.jdbc
                .sql("select id, received_at, bytes, format, width, height from image where camera = ? and " + HELD
                        + " and received_at <= ? order by received_at desc, id desc limit 1")
                .params(key, utc(at))
                .query((rs, row) -> held(key, rs))
                .optional();
            if (held.isPresent()) {
                // held frames are newer than every sealed one of their camera
                return held;
            }
            Optional<Long> segment = this.jdbc
                .sql("select id from segment where camera = ? and started_at <= ? order by started_at desc limit 1")
                .params(key, utc(at))
                .query(Long.class)
                .optional();
            if (segment.isEmpty()) {
                return Optional.<RecordedFrame>empty();
            }
            List<SegmentIndex.Entry> entries = index(segment.get());
            int low = 0;
            int high = entries.size() - 1;
            int floor = -1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (entries.get(mid).micros() <= micros) {
                    floor = mid;
                    low = mid + 1;
                }
                else {
                    high = mid - 1;
                }
            }
            return floor < 0 ? Optional.<RecordedFrame>empty()
                    : Optional.of(frame(key, segment.get(), entries.get(floor)));
        });
    }

    @Override
    public byte[] read(RecordedFrame frame) {
        if (frame.segment() < 0) {
            // held when listed: its row's bytes, or its segment's if sealed since
            Optional<ReceivedImage> image = this.store.image(-frame.segment());
            if (image.isPresent()) {
                return image.get().original();
            }
        }
        else {
            Optional<SegmentObject> object = this.jdbc.sql("select object_key, bytes from segment where id = ?")
                .param(frame.segment())
                .query((rs, row) -> new SegmentObject(rs.getString(1), rs.getLong(2)))
                .optional();
            if (object.isPresent()) {
                return this.segments.read(object.get().key(), object.get().bytes(), frame.offset(), frame.bytes());
            }
        }
        throw new UncheckedIOException(
                new NoSuchFileException("the segment of " + frame.receivedAt() + " is no longer kept"));
    }

    private record SegmentObject(String key, long bytes) {
    }

    @Override
    public long writeLists(String camera, Instant from, Instant to, OutputStream out) {
        AtomicLong written = new AtomicLong();
        this.jdbc
            .sql("select id, sender, received_at, bytes, value::text from list where camera = ? and received_at >= ? "
                    + "and received_at < ? order by received_at, id")
            .params(this.streams.cameraOf(camera), utc(from), utc(to))
            .query(rs -> {
                ReceivedList list = new ReceivedList(rs.getLong(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getInt(4),
                        this.json.readTree(rs.getString(5)));
                try {
                    out.write((this.json.writeValueAsString(list) + "\n").getBytes(StandardCharsets.UTF_8));
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                written.incrementAndGet();
            });
        return written.get();
    }

    private List<SegmentIndex.Entry> index(long segment) {
        return this.jdbc.sql("select frame_index from segment where id = ?")
            .param(segment)
            .query((rs, row) -> SegmentIndex.decode(rs.getBytes(1)))
            .optional()
            .orElse(List.of());
    }

    private static RecordedFrame frame(String camera, long segment, SegmentIndex.Entry entry) {
        return new RecordedFrame(entry.time(), entry.length(), entry.format(), entry.width(), entry.height(), camera,
                segment, entry.offset());
    }

    private static RecordedFrame held(String camera, ResultSet rs) throws SQLException {
        return new RecordedFrame(rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getInt("bytes"),
                rs.getString("format"), rs.getInt("width"), rs.getInt("height"), camera, -rs.getLong("id"), 0);
    }

    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

}
