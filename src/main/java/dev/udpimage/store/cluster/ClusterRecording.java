package dev.udpimage.store.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.function.Consumer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.recording.CameraRecording;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.recording.format.IndexEntry;
import dev.udpimage.recording.format.IndexSearch;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster's recording, as every instance reads it: sealed segments (their rows and
 * indexes in PostgreSQL, their frames in one object each) and, after them, the frames
 * PostgreSQL still holds ({@link SegmentSealer}), read in one snapshot so that a frame
 * sealed meanwhile is seen once. A held frame is listed at the index time its segment
 * will give it: the camera's held frames in (received, id) order, each made to follow the
 * one before by {@link IndexTimes}, from the last sealed frame on, as the sealer does; so
 * a frame's listed time does not change when it is sealed, and frames held in one
 * microsecond each have a time of their own.
 */
class ClusterRecording implements RecordingReader {

    private static final String HELD = "data is not null and segment_id is null";

    /** A frame held in its image row. */
    record HeldLocation(String camera, long imageId) implements RecordedFrame.Location {
    }

    /** A frame in a sealed segment's object. */
    record ObjectLocation(String camera, long segment, long offset) implements RecordedFrame.Location {
    }

    private final JdbcClient jdbc;

    private final TransactionTemplate snapshot;

    private final SegmentObjects segments;

    private final ClusterStore store;

    private final JsonMapper json;

    private final RecordingProperties settings;

    private final CameraKey cameras;

    ClusterRecording(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segments, ClusterStore store,
            JsonMapper json, RecordingProperties settings, CameraKey cameras) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactions.getTransactionManager());
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.segments = segments;
        this.store = store;
        this.json = json;
        this.settings = settings;
        this.cameras = cameras;
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
        String key = this.cameras.cameraOf(camera);
        return this.snapshot.execute(status -> {
            List<Span> spans = new ArrayList<>(this.jdbc
                .sql("select started_at, ended_at, frames from segment where camera = ? order by started_at")
                .param(key)
                .query((rs, row) -> new Span(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getLong(3)))
                .list());
            List<RecordedFrame> held = held(key);
            if (!held.isEmpty()) {
                spans.add(new Span(held.get(0).receivedAt(), held.get(held.size() - 1).receivedAt(), held.size()));
            }
            return spans;
        });
    }

    /** A sealed segment of a camera, its index not yet read. */
    private record SegmentRow(long id, Instant from, Instant to) {
    }

    @Override
    public List<RecordedFrame> frames(String camera, Instant from, Instant to, int limit) {
        String key = this.cameras.cameraOf(camera);
        long fromMicros = IndexTimes.micros(from);
        long toMicros = IndexTimes.micros(to);
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
                for (IndexEntry entry : index(segment.id())) {
                    if (found.size() >= limit || entry.micros() >= toMicros) {
                        return found;
                    }
                    if (entry.micros() >= fromMicros) {
                        found.add(frame(key, segment.id(), entry));
                    }
                }
            }
            for (RecordedFrame frame : held(key)) {
                long micros = IndexTimes.micros(frame.receivedAt());
                if (found.size() >= limit || micros >= toMicros) {
                    break;
                }
                if (micros >= fromMicros) {
                    found.add(frame);
                }
            }
            return found;
        });
    }

    @Override
    public Optional<RecordedFrame> frameAt(String camera, Instant at) {
        String key = this.cameras.cameraOf(camera);
        long micros = IndexTimes.micros(at);
        return this.snapshot.execute(status -> {
            List<RecordedFrame> held = held(key);
            try {
                long floor = IndexSearch.floor(held.size(),
                        position -> IndexTimes.micros(held.get((int) position).receivedAt()), micros);
                if (floor >= 0) {
                    // held frames are newer than every sealed one of their camera
                    return Optional.of(held.get((int) floor));
                }
                Optional<Long> segment = this.jdbc
                    .sql("select id from segment where camera = ? and started_at <= ? order by started_at desc limit 1")
                    .params(key, utc(at))
                    .query(Long.class)
                    .optional();
                if (segment.isEmpty()) {
                    return Optional.<RecordedFrame>empty();
                }
                List<IndexEntry> entries = index(segment.get());
                long position = IndexSearch.floor(entries.size(), i -> entries.get((int) i).micros(), micros);
                return position < 0 ? Optional.<RecordedFrame>empty()
                        : Optional.of(frame(key, segment.get(), entries.get((int) position)));
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }

    /**
     * A camera's held frames, oldest first, each at the index time sealing will give it.
     * Runs inside the caller's snapshot.
     */
    private List<RecordedFrame> held(String camera) {
        long last = this.jdbc.sql("select max(ended_at) from segment where camera = ?")
            .param(camera)
            .query(OffsetDateTime.class)
            .optional()
            .map(time -> IndexTimes.micros(time.toInstant()))
            .orElse(IndexTimes.NONE);
        long[] previous = { last };
        return this.jdbc
            .sql("select id, received_at, bytes, format, width, height from image where camera = ? and " + HELD
                    + " order by received_at, id")
            .param(camera)
            .query((rs, row) -> {
                previous[0] = IndexTimes.next(previous[0],
                        IndexTimes.micros(rs.getObject("received_at", OffsetDateTime.class).toInstant()));
                return new RecordedFrame(IndexTimes.instant(previous[0]), rs.getInt("bytes"), rs.getString("format"),
                        rs.getInt("width"), rs.getInt("height"), new HeldLocation(camera, rs.getLong("id")));
            })
            .list();
    }

    @Override
    public byte[] read(RecordedFrame frame) {
        if (frame.location() instanceof HeldLocation held) {
            // held when listed: its row's bytes, or its segment's if sealed since
            Optional<ReceivedImage> image = this.store.image(held.imageId());
            if (image.isPresent()) {
                return image.get().original();
            }
            // sealed since, and its row then trimmed from the history: the same frame in
            // its segment, at the time it was listed at (sealing keeps a frame's time)
            Optional<RecordedFrame> sealed = frameAt(held.camera(), frame.receivedAt())
                .filter(found -> found.receivedAt().equals(frame.receivedAt())
                        && found.location() instanceof ObjectLocation && found.bytes() == frame.bytes());
            if (sealed.isPresent()) {
                return read(sealed.get());
            }
        }
        else if (frame.location() instanceof ObjectLocation sealed) {
            Optional<SegmentObject> object = this.jdbc.sql("select object_key, bytes from segment where id = ?")
                .param(sealed.segment())
                .query((rs, row) -> new SegmentObject(rs.getString(1), rs.getLong(2)))
                .optional();
            if (object.isPresent()) {
                return this.segments.read(object.get().key(), object.get().bytes(), sealed.offset(), frame.bytes());
            }
        }
        throw new UncheckedIOException(
                new NoSuchFileException("the segment of " + frame.receivedAt() + " is no longer kept"));
    }

    private record SegmentObject(String key, long bytes) {
    }

    /** Lists read from PostgreSQL in one query, at most. */
    static final int LIST_PAGE = 1000;

    /**
     * Read {@value #LIST_PAGE} at a time, each page after the last row of the one before
     * (time, then id): the driver holds a whole answer in memory, and a range may hold up
     * to a million lists.
     */
    @Override
    public long lists(String camera, Instant from, Instant to, Consumer<ReceivedList> each) {
        String key = this.cameras.cameraOf(camera);
        long read = 0;
        OffsetDateTime after = utc(from);
        long afterId = Long.MIN_VALUE; // the first page: from `from` on, whatever the id
        while (true) {
            List<ReceivedList> page = this.jdbc
                .sql("select id, sender, received_at, bytes, value::text from list where camera = ? "
                        + "and received_at >= ? and received_at < ? and (received_at, id) > (?, ?) "
                        + "order by received_at, id limit ?")
                .params(key, after, utc(to), after, afterId, LIST_PAGE)
                .query((rs, row) -> list(rs))
                .list();
            page.forEach(each);
            read += page.size();
            if (page.size() < LIST_PAGE) {
                return read;
            }
            ReceivedList last = page.get(page.size() - 1);
            after = utc(last.receivedAt());
            afterId = last.id();
        }
    }

    @Override
    public Optional<ReceivedList> listAt(String camera, Instant at) {
        return this.jdbc
            .sql("select id, sender, received_at, bytes, value::text from list where camera = ? and received_at <= ? "
                    + "order by received_at desc, id desc limit 1")
            .params(this.cameras.cameraOf(camera), utc(at))
            .query((rs, row) -> list(rs))
            .optional();
    }

    private ReceivedList list(ResultSet rs) throws SQLException {
        return new ReceivedList(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                rs.getInt(4), this.json.readTree(rs.getString(5)));
    }

    /** A sealed segment's index: its entries, or a legacy one's. */
    private List<IndexEntry> index(long segment) {
        return this.jdbc.sql("select index_entries, frame_index from segment where id = ?")
            .param(segment)
            .query((rs, row) -> {
                byte[] entries = rs.getBytes(1);
                return entries != null ? IndexEntry.decode(entries) : LegacySegmentIndex.decode(rs.getBytes(2));
            })
            .optional()
            .orElse(List.of());
    }

    private static RecordedFrame frame(String camera, long segment, IndexEntry entry) {
        return new RecordedFrame(IndexTimes.instant(entry.micros()), entry.length(), entry.format(), entry.width(),
                entry.height(), new ObjectLocation(camera, segment, entry.imageOffset()));
    }

    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

}
