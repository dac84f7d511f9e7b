package dev.udpimage.store.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.ReceivedStore;
import dev.udpimage.store.StoreListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store every instance of a cluster shares, in PostgreSQL: image metadata, lists and
 * the one order of ids. {@code save*} returns only once the row is committed, with the
 * image's bytes in it, so what a reply acknowledges is durable without this machine's
 * disk and any instance serves it. With the recording on, the {@link SegmentSealer} later
 * moves each camera's held bytes into one object per segment; the newest
 * {@code udp.store.history} images and lists are listed, and each save deletes the rows
 * beyond them that the recording no longer needs (sealed ones: their frames stay in the
 * recording). With the recording off, bytes stay in the rows, the newest {@code history}
 * (and at most {@code udp.store.max-bytes}) kept. Every row records which instance
 * received it and the SHA-256 of its bytes.
 */
public class ClusterStore implements ReceivedStore {

    private static final Logger log = LoggerFactory.getLogger(ClusterStore.class);

    /** What a single item can make the store log: at most 20 lines a second. */
    private static final RateLimitedLog itemLog = new RateLimitedLog(log, 20);

    private static final String IMAGE_COLUMNS = "id, sender, received_at, bytes, datagrams, width, height, format, "
            + "transport, transfer_ms";

    /** An image's columns and where its bytes are, for reading them. */
    private static final String IMAGE_WITH_BYTES = "select i.id, i.sender, i.received_at, i.bytes, i.datagrams, "
            + "i.width, i.height, i.format, i.transport, i.transfer_ms, i.data, i.object_key, i.segment_offset, "
            + "s.object_key as segment_key, s.bytes as segment_bytes from image i left join segment s "
            + "on s.id = i.segment_id ";

    /**
     * Recording off: the images beyond the history or the byte budget, newest kept; the
     * objects of rows from before the recording.
     */
    private static final String IMAGE_RETENTION = """
            delete from image where id in (
                select id from (select id, row_number() over (order by id desc) as n,
                                       sum(bytes) over (order by id desc) as total from image) kept
                where kept.n > :history or (kept.total > :maxBytes and kept.n > 1))
            returning object_key""";

    /**
     * Recording on: the rows beyond the history that hold no bytes the recording still
     * needs (sealed, or from before the recording); found by the primary key's index. Run
     * after sealing ({@link #trimHistory}), not with each save.
     */
    private static final String RECORDED_IMAGE_RETENTION = """
            delete from image where id <= (select id from image order by id desc offset :history limit 1)
                and not (data is not null and segment_id is null)
            returning object_key""";

    private static final String LIST_RETENTION = """
            delete from list where id in (
                select id from (select id, row_number() over (order by id desc) as n from list) kept
                where kept.n > :history)""";

    private final JdbcClient jdbc;

    private final TransactionTemplate transactions;

    private final SegmentObjects segments;

    private final JsonMapper json;

    private final List<StoreListener> listeners;

    private final String instance;

    private final int history;

    private final long maxBytes;

    /** Whether the recording keeps every frame (then lists are kept by its retention). */
    private final boolean recording;

    private final UnaryOperator<String> cameraOf;

    /** Rung after each save, so that the other instances read what is new. */
    private volatile Runnable doorbell = () -> {
    };

    /** Where a save's time goes: the row's transaction. */
    private final Timer commitTime;

    public ClusterStore(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segments, JsonMapper json,
            List<StoreListener> listeners, String instance, int history, long maxBytes, boolean recording,
            UnaryOperator<String> cameraOf, MeterRegistry registry) {
        this.commitTime = Timer.builder("udp.store.commit")
            .description("Inserting and committing an item's row, with retention")
            .tag("item", "image")
            .register(registry);
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.segments = segments;
        this.json = json;
        this.listeners = listeners;
        this.instance = instance;
        this.history = history;
        this.maxBytes = maxBytes;
        this.recording = recording;
        this.cameraOf = cameraOf;
        segments.objects().ensureBucket();
        log.info("Cluster store: instance {}, listing {} images and lists{}", instance, history,
                recording ? ", every frame recorded" : " (at most " + maxBytes + " bytes of images)");
    }

    @Override
    public ReceivedImage saveImage(ImageMetadata metadata, byte[] original) {
        byte[] sha256 = sha256(original);
        Saved<ReceivedImage> saved = this.commitTime.record(() -> this.transactions.execute(status -> {
            long id = this.jdbc.sql("""
                    insert into image (sender, camera, received_at, bytes, datagrams, width, height, format,
                                       transport, transfer_ms, data, sha256, instance)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""")
                .params(metadata.sender(), this.cameraOf.apply(metadata.sender()), utc(metadata), metadata.bytes(),
                        metadata.datagrams(), metadata.width(), metadata.height(), metadata.format(),
                        metadata.transport(), metadata.transferMs(), original, sha256, this.instance)
                .query(Long.class)
                .single();
            List<String> evicted = this.recording ? List.of() : evict(IMAGE_RETENTION);
            return new Saved<>(new ReceivedImage(metadata.withId(id), original), evicted);
        }));
        deleteObjects(saved.evictedKeys());
        this.doorbell.run();
        for (StoreListener listener : this.listeners) {
            listener.imageStored(saved.item());
        }
        return saved.item();
    }

    @Override
    public ReceivedList saveList(ReceivedList list) {
        String value = this.json.writeValueAsString(list.value());
        byte[] sha256 = sha256(value.getBytes(StandardCharsets.UTF_8));
        ReceivedList saved = this.transactions.execute(status -> {
            long id = this.jdbc.sql("""
                    insert into list (sender, camera, received_at, bytes, value, sha256, instance)
                    values (?, ?, ?, ?, cast(? as json), ?, ?) returning id""")
                .params(list.sender(), this.cameraOf.apply(list.sender()),
                        OffsetDateTime.ofInstant(list.receivedAt(), ZoneOffset.UTC), list.bytes(), value, sha256,
                        this.instance)
                .query(Long.class)
                .single();
            if (!this.recording) {
                this.jdbc.sql(LIST_RETENTION).param("history", this.history).update();
            }
            return list.withId(id);
        });
        this.doorbell.run();
        for (StoreListener listener : this.listeners) {
            listener.listStored(saved);
        }
        return saved;
    }

    /**
     * With the recording on: deletes the rows beyond the history that sealing let go of
     * (the {@link SegmentSealer} calls it after sealing), so a save is one insert and its
     * commit.
     */
    void trimHistory() {
        deleteObjects(this.transactions.execute(status -> evict(RECORDED_IMAGE_RETENTION)));
    }

    /** Runs a retention statement; the objects of the rows it deleted. */
    private List<String> evict(String retention) {
        return this.jdbc.sql(retention)
            .param("history", this.history)
            .param("maxBytes", this.maxBytes)
            .query(String.class)
            .list()
            .stream()
            .filter(Objects::nonNull)
            .toList();
    }

    /** What to ring after each save ({@link ClusterEvents}). */
    void ringAfterSave(Runnable doorbell) {
        this.doorbell = doorbell;
    }

    String instance() {
        return this.instance;
    }

    @Override
    public boolean blocksOnSave() {
        return true;
    }

    @Override
    public Optional<ReceivedImage> latestImage() {
        return this.jdbc.sql(IMAGE_WITH_BYTES + "order by i.id desc limit 1").query(this::imageWithBytes).optional();
    }

    @Override
    public Optional<ReceivedImage> image(long id) {
        return this.jdbc.sql(IMAGE_WITH_BYTES + "where i.id = ?").param(id).query(this::imageWithBytes).optional();
    }

    @Override
    public List<ImageMetadata> images() {
        return this.jdbc.sql("select " + IMAGE_COLUMNS + " from image order by id desc limit ?")
            .param(this.history)
            .query(ClusterStore::metadata)
            .list();
    }

    @Override
    public Optional<ReceivedList> latestList() {
        return lists(1).stream().findFirst();
    }

    @Override
    public List<ReceivedList> lists() {
        return lists(this.history);
    }

    private List<ReceivedList> lists(int limit) {
        return this.jdbc
            .sql("select id, sender, received_at, bytes, value::text as value from list order by id desc limit ?")
            .param(limit)
            .query((rs, row) -> listRow(rs))
            .list();
    }

    private ReceivedList listRow(ResultSet rs) throws SQLException {
        return new ReceivedList(rs.getLong("id"), rs.getString("sender"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getInt("bytes"),
                this.json.readTree(rs.getString("value")));
    }

    /** An item and the instance that received it. */
    record Stored<T>(T item, String instance) {
    }

    /** Images with ids above {@code id}, oldest first, with who received them. */
    List<Stored<ImageMetadata>> imagesAfter(long id) {
        return this.jdbc.sql("select " + IMAGE_COLUMNS + ", instance from image where id > ? order by id")
            .param(id)
            .query((rs, row) -> new Stored<>(metadata(rs, row), rs.getString("instance")))
            .list();
    }

    /** Lists with ids above {@code id}, oldest first, with who received them. */
    List<Stored<ReceivedList>> listsAfter(long id) {
        return this.jdbc
            .sql("select id, sender, received_at, bytes, value::text as value, instance from list where id > ? "
                    + "order by id")
            .param(id)
            .query((rs, row) -> new Stored<>(listRow(rs), rs.getString("instance")))
            .list();
    }

    private record Saved<T>(T item, List<String> evictedKeys) {
    }

    private static ImageMetadata metadata(ResultSet rs, int row) throws SQLException {
        return new ImageMetadata(rs.getLong("id"), rs.getString("sender"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getInt("bytes"),
                rs.getInt("datagrams"), rs.getInt("width"), rs.getInt("height"), rs.getString("format"),
                rs.getString("transport"), rs.getDouble("transfer_ms"));
    }

    /**
     * An image read with {@link #IMAGE_WITH_BYTES}: its bytes from its row while held
     * there, then from its segment (or, from before the recording, its own object).
     */
    private ReceivedImage imageWithBytes(ResultSet rs, int row) throws SQLException {
        ImageMetadata metadata = metadata(rs, row);
        byte[] bytes = rs.getBytes("data");
        if (bytes == null) {
            String segment = rs.getString("segment_key");
            bytes = (segment != null) ? this.segments.read(segment, rs.getLong("segment_bytes"),
                    rs.getLong("segment_offset"), metadata.bytes())
                    : this.segments.objects().get(rs.getString("object_key"));
        }
        return new ReceivedImage(metadata, bytes);
    }

    /** Objects of rows that are gone; what fails here the sweeper removes later. */
    private void deleteObjects(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            this.segments.objects().delete(keys);
        }
        catch (RuntimeException ex) {
            itemLog.warn("Could not delete {} objects of evicted images now ({}); the sweeper will", keys.size(),
                    ex.toString());
        }
    }

    private static OffsetDateTime utc(ImageMetadata metadata) {
        return OffsetDateTime.ofInstant(metadata.receivedAt(), ZoneOffset.UTC);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
