package dev.udpimage.store.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * The store every instance of a cluster shares: image bytes in object storage, their
 * metadata, the lists and the one order of ids in PostgreSQL. {@code save*} returns only
 * once the object is written and the row committed, so what a reply acknowledges is
 * durable and any instance serves it. The newest {@code udp.store.history} images and
 * lists (and at most {@code udp.store.max-bytes} of images) are kept cluster-wide: each
 * save deletes what falls out, rows first, then their objects; an object whose row never
 * committed is removed by the {@link OrphanSweeper}. Every row records which instance
 * received it and the SHA-256 of its bytes. Recent image bytes are kept in memory, at
 * most {@code udp.store.max-bytes} or 64 MB.
 */
public class ClusterStore implements ReceivedStore {

    private static final Logger log = LoggerFactory.getLogger(ClusterStore.class);

    /** What a single item can make the store log: at most 20 lines a second. */
    private static final RateLimitedLog itemLog = new RateLimitedLog(log, 20);

    private static final String IMAGE_COLUMNS = "id, sender, received_at, bytes, datagrams, width, height, format, "
            + "transport, transfer_ms, object_key";

    /**
     * The images beyond the history or the byte budget, newest kept; their object keys.
     */
    private static final String IMAGE_RETENTION = """
            delete from image where id in (
                select id from (select id, row_number() over (order by id desc) as n,
                                       sum(bytes) over (order by id desc) as total from image) kept
                where kept.n > :history or (kept.total > :maxBytes and kept.n > 1))
            returning object_key""";

    private static final String LIST_RETENTION = """
            delete from list where id in (
                select id from (select id, row_number() over (order by id desc) as n from list) kept
                where kept.n > :history)""";

    private final JdbcClient jdbc;

    private final TransactionTemplate transactions;

    private final ObjectStore objects;

    private final JsonMapper json;

    private final List<StoreListener> listeners;

    private final String instance;

    private final int history;

    private final long maxBytes;

    private final long cacheBytes;

    /**
     * Recent image bytes by object key, at most {@link #cacheBytes} of them. Guarded by
     * itself.
     */
    private final Map<String, byte[]> recent = new LinkedHashMap<>(16, 0.75f, true);

    private long recentBytes;

    /** Rung after each save, so that the other instances read what is new. */
    private volatile Runnable doorbell = () -> {
    };

    /** Where a save's time goes: the object's PUT, and the row's transaction. */
    private final Timer putTime;

    private final Timer commitTime;

    public ClusterStore(JdbcClient jdbc, TransactionTemplate transactions, ObjectStore objects, JsonMapper json,
            List<StoreListener> listeners, String instance, int history, long maxBytes, long cacheBytes,
            MeterRegistry registry) {
        this.putTime = Timer.builder("udp.store.put")
            .description("Writing an image's bytes to object storage")
            .register(registry);
        this.commitTime = Timer.builder("udp.store.commit")
            .description("Inserting and committing an item's row, with retention")
            .tag("item", "image")
            .register(registry);
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.objects = objects;
        this.json = json;
        this.listeners = listeners;
        this.instance = instance;
        this.history = history;
        this.maxBytes = maxBytes;
        this.cacheBytes = cacheBytes;
        objects.ensureBucket();
        log.info("Cluster store: instance {}, keeping {} images and lists (at most {} bytes of images)", instance,
                history, maxBytes);
    }

    @Override
    public ReceivedImage saveImage(ImageMetadata metadata, byte[] original) {
        String key = ObjectKeys.imageKey(System.currentTimeMillis());
        this.putTime.record(() -> this.objects.put(key, original, "image/" + metadata.format()));
        byte[] sha256 = sha256(original);
        Saved<ReceivedImage> saved = this.commitTime.record(() -> this.transactions.execute(status -> {
            long id = this.jdbc.sql("""
                    insert into image (sender, received_at, bytes, datagrams, width, height, format, transport,
                                       transfer_ms, object_key, sha256, instance)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""")
                .params(metadata.sender(), utc(metadata), metadata.bytes(), metadata.datagrams(), metadata.width(),
                        metadata.height(), metadata.format(), metadata.transport(), metadata.transferMs(), key, sha256,
                        this.instance)
                .query(Long.class)
                .single();
            List<String> evicted = this.jdbc.sql(IMAGE_RETENTION)
                .param("history", this.history)
                .param("maxBytes", this.maxBytes)
                .query(String.class)
                .list();
            return new Saved<>(new ReceivedImage(metadata.withId(id), original), evicted);
        }));
        remember(key, original);
        forget(saved.evictedKeys());
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
                    insert into list (sender, received_at, bytes, value, sha256, instance)
                    values (?, ?, ?, cast(? as json), ?, ?) returning id""")
                .params(list.sender(), OffsetDateTime.ofInstant(list.receivedAt(), ZoneOffset.UTC), list.bytes(), value,
                        sha256, this.instance)
                .query(Long.class)
                .single();
            this.jdbc.sql(LIST_RETENTION).param("history", this.history).update();
            return list.withId(id);
        });
        this.doorbell.run();
        for (StoreListener listener : this.listeners) {
            listener.listStored(saved);
        }
        return saved;
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
        return this.jdbc.sql("select " + IMAGE_COLUMNS + " from image order by id desc limit 1")
            .query(this::imageRow)
            .optional()
            .map(this::withBytes);
    }

    @Override
    public Optional<ReceivedImage> image(long id) {
        return this.jdbc.sql("select " + IMAGE_COLUMNS + " from image where id = ?")
            .param(id)
            .query(this::imageRow)
            .optional()
            .map(this::withBytes);
    }

    @Override
    public List<ImageMetadata> images() {
        return this.jdbc.sql("select " + IMAGE_COLUMNS + " from image order by id desc limit ?")
            .param(this.history)
            .query(this::imageRow)
            .list()
            .stream()
            .map(ImageRow::metadata)
            .toList();
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
            .query((rs, row) -> new Stored<>(imageRow(rs, row).metadata(), rs.getString("instance")))
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

    /** An image's row: its metadata and where its bytes are. */
    private record ImageRow(ImageMetadata metadata, String objectKey) {
    }

    private record Saved<T>(T item, List<String> evictedKeys) {
    }

    private ImageRow imageRow(ResultSet rs, int row) throws SQLException {
        return new ImageRow(new ImageMetadata(rs.getLong("id"), rs.getString("sender"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(), rs.getInt("bytes"),
                rs.getInt("datagrams"), rs.getInt("width"), rs.getInt("height"), rs.getString("format"),
                rs.getString("transport"), rs.getDouble("transfer_ms")), rs.getString("object_key"));
    }

    private ReceivedImage withBytes(ImageRow row) {
        byte[] bytes;
        synchronized (this.recent) {
            bytes = this.recent.get(row.objectKey());
        }
        if (bytes == null) {
            bytes = this.objects.get(row.objectKey());
            remember(row.objectKey(), bytes);
        }
        return new ReceivedImage(row.metadata(), bytes);
    }

    private void remember(String key, byte[] bytes) {
        synchronized (this.recent) {
            if (this.recent.put(key, bytes) == null) {
                this.recentBytes += bytes.length;
            }
            var oldest = this.recent.entrySet().iterator();
            while (this.recentBytes > this.cacheBytes && oldest.hasNext()) {
                this.recentBytes -= oldest.next().getValue().length;
                oldest.remove();
            }
        }
    }

    private void forget(List<String> keys) {
        synchronized (this.recent) {
            for (String key : keys) {
                byte[] bytes = this.recent.remove(key);
                if (bytes != null) {
                    this.recentBytes -= bytes.length;
                }
            }
        }
    }

    /** Objects of rows that are gone; what fails here the sweeper removes later. */
    private void deleteObjects(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            this.objects.delete(keys);
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
