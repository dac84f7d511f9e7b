package dev.udpimage.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.StoreProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files behind {@link FileStore} in {@code udp.store.dir}: <pre>
 * images/42.jpeg   the original bytes        images/42.json   its metadata (written last: marks it complete)
 * lists/7.json     the list with its metadata
 * </pre> Every file is written to a temporary name and renamed into place, so a crash
 * leaves either the whole file or none. Writes and deletions happen on one writer thread
 * behind the receive path, which never waits for the disk: what is waiting to be written
 * is a subset of what the history keeps (an item evicted before it was written is simply
 * never written), and the writer gathers for {@code udp.store.write-delay} before each
 * batch, so a flood costs at most one history's worth of writes per delay and the backlog
 * stays bounded. When the disk refuses a write (full, read-only, a permission taken
 * away), no half-written file stays, {@link StoreDirectoryHealth} goes DOWN, and what
 * waits to be written is kept waiting (still bounded by the history) and tried again
 * every second, as a small probe file is while nothing waits, until a write succeeds; a
 * durable write fails at once. Shutting down waits for the writer. Its other jobs have
 * homes of their own: reading the directory at start-up ({@link DirectoryLoader}), the
 * whole-or-nothing files ({@link AtomicFiles}), the health and its probe
 * ({@link StoreDirectoryHealth}).
 */
@Component
@ConditionalOnProperty(name = "udp.store.backend", havingValue = "file", matchIfMissing = true)
public class StoreDirectory implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);

    /** What a single item can make the store log: at most 20 lines a second. */
    private static final RateLimitedLog itemLog = new RateLimitedLog(log, 20);

    /**
     * Longest a durable write waits for the disk before it fails (the reply says
     * {@code error: store unavailable}).
     */
    static final int DURABLE_TIMEOUT_SECONDS = 30;

    /** How often a failing disk is tried again. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What was found at start-up, oldest first. */
    public record Loaded(List<ReceivedImage> images, List<ReceivedList> lists, int skipped) {
    }

    private final Path images;

    private final Path lists;

    private final JsonMapper json;

    private final DirectoryLoader loader;

    private final Thread writer;

    private final Object lock = new Object();

    /**
     * Items to write, by file key, in the order they arrived. Guarded by {@link #lock}.
     */
    private final Map<String, Object> toWrite = new LinkedHashMap<>();

    /** Items to write durably now, and who waits for each. Guarded by {@link #lock}. */
    private final Map<Object, CompletableFuture<Void>> durable = new LinkedHashMap<>();

    /** Items whose files are to be deleted. Guarded by {@link #lock}. */
    private final List<Object> toDelete = new ArrayList<>();

    private final long writeDelayNanos;

    private final StoreDirectoryHealth health;

    private final Path root;

    private boolean closing;

    /**
     * Why the writer thread ended, if it ended by a failure; from then on every durable
     * write fails at once. Guarded by {@link #lock}.
     */
    private IOException writerDied;

    /**
     * The durable batch the writer is writing now (taken out of {@link #durable}).
     * Guarded by {@link #lock}.
     */
    private Map<Object, CompletableFuture<Void>> writing = Map.of();

    public StoreDirectory(StoreProperties properties, JsonMapper json, MeterRegistry registry,
            StoreDirectoryHealth health) {
        String dir = properties.dir();
        this.json = json;
        this.health = health;
        this.writeDelayNanos = properties.writeDelay().toNanos();
        if (dir == null || dir.isBlank()) {
            this.root = null;
            this.images = null;
            this.lists = null;
            this.writer = null;
            this.loader = null;
            log.info("udp.store.dir is empty: received images and lists are kept in memory only");
            return;
        }
        this.root = Path.of(dir).toAbsolutePath().normalize();
        this.images = this.root.resolve("images");
        this.lists = this.root.resolve("lists");
        try {
            Files.createDirectories(this.images);
            Files.createDirectories(this.lists);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot create the store directory " + this.root, ex);
        }
        this.loader = new DirectoryLoader(this.images, this.lists, json, registry, this::originalFile);
        this.writer = new Thread(this::runWriter, "store-writer " + this.root);
        // destroy() waits for it; it must not hold the JVM up on its own
        this.writer.setDaemon(true);
        this.writer.start();
        log.info("Received images and lists are kept in {}", this.root);
    }

    // ---- start-up
    // ---------------------------------------------------------------------------------------------

    /** What the directory holds, read once at start-up ({@link DirectoryLoader}). */
    public Loaded load() {
        if (this.writer == null) {
            return new Loaded(List.of(), List.of(), 0);
        }
        return this.loader.load();
    }

    // ---- writing behind
    // ---------------------------------------------------------------------------------------

    /**
     * Writes an image or list behind; when it cannot be written (a full or read-only
     * disk), it waits while it is kept and is tried again every second.
     */
    void write(Object item, List<?> evicted) {
        enqueue(item, evicted);
    }

    /**
     * Writes an item now and returns once it is durable: its files written and fsync'd,
     * renamed into place, and their directory fsync'd. The writer takes what every caller
     * has given it meanwhile as one batch, so concurrent callers share the directory's
     * fsync (group commit).
     * @throws UncheckedIOException when it could not be written (a full or read-only
     * disk)
     */
    void writeDurably(Object item, List<?> evicted) {
        if (this.writer == null) {
            return;
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this.lock) {
            if (this.writerDied != null) {
                throw new UncheckedIOException(this.writerDied);
            }
            this.durable.put(item, written);
            this.lock.notifyAll();
        }
        try {
            written.get(DURABLE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (ExecutionException ex) {
            throw ex.getCause() instanceof UncheckedIOException io ? io
                    : new UncheckedIOException(new IOException(ex.getCause()));
        }
        catch (TimeoutException ex) {
            synchronized (this.lock) {
                this.durable.remove(item);
            }
            throw new UncheckedIOException(
                    new IOException("not written within " + DURABLE_TIMEOUT_SECONDS + " s: the disk hangs"));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for the disk", ex));
        }
        // only now that the new item is durable do the items it replaces go
        deleteAll(evicted);
    }

    /**
     * The writer thread, guarded: if it ever ends by a failure (any Throwable), the store
     * turns DOWN and every durable write, waiting or to come, fails at once, instead of
     * waiting for a thread that is gone.
     */
    private void runWriter() {
        try {
            writeBehind();
        }
        catch (Throwable ex) {
            IOException why = new IOException("the store writer stopped: " + ex, ex);
            log.error("The store writer stopped; the store is DOWN until the service restarts", ex);
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            synchronized (this.lock) {
                this.writerDied = why;
                waiting.addAll(this.durable.values());
                waiting.addAll(this.writing.values());
                this.durable.clear();
            }
            this.health.stopped(why);
            waiting.forEach(future -> future.completeExceptionally(new UncheckedIOException(why)));
        }
    }

    /** Deletes the files of items no longer kept. */
    void deleteAll(List<?> evicted) {
        enqueue(null, evicted);
    }

    private void enqueue(Object item, List<?> evicted) {
        if (this.writer == null || item == null && evicted.isEmpty()) {
            // nothing to do: waking the writer for nothing, once a save, cost a
            // small-image
            // sender a third of its rate
            return;
        }
        synchronized (this.lock) {
            boolean idle = this.toWrite.isEmpty() && this.toDelete.isEmpty();
            if (item != null) {
                this.toWrite.put(key(item), item);
            }
            for (Object gone : evicted) {
                // already on disk: delete it there
                if (this.toWrite.remove(key(gone)) == null) {
                    this.toDelete.add(gone);
                }
            }
            // otherwise the writer is gathering or writing, and will look again
            if (idle) {
                this.lock.notifyAll();
            }
        }
    }

    private void writeBehind() {
        this.health.probe(this.root);
        while (true) {
            List<Object> writes;
            List<Object> deletes;
            Map<Object, CompletableFuture<Void>> durableBatch;
            synchronized (this.lock) {
                if (!awaitWork()) {
                    return; // closing, and everything is written
                }
                if (idle()) {
                    writes = null; // a second of failure without work: time to probe
                    deletes = null;
                    durableBatch = null;
                }
                else {
                    if (this.durable.isEmpty()) {
                        // nobody waits: gather what comes meanwhile, and try a failing
                        // disk once a second
                        gatherUntil(System.nanoTime() + (this.health.failing()
                                ? Math.max(this.writeDelayNanos, RETRY_NANOS) : this.writeDelayNanos));
                    }
                    writes = new ArrayList<>(this.toWrite.values());
                    deletes = new ArrayList<>(this.toDelete);
                    durableBatch = new LinkedHashMap<>(this.durable);
                    this.writing = durableBatch;
                    this.toWrite.clear();
                    this.toDelete.clear();
                    this.durable.clear();
                }
            }
            if (writes == null) {
                this.health.probe(this.root);
                continue;
            }
            deletes.forEach(this::delete);
            writeBehind(writes);
            writeDurably(durableBatch, deletes);
            synchronized (this.lock) {
                this.writing = Map.of();
            }
        }
    }

    /**
     * Waits until there is work, or for a second while the disk fails.
     * @return false when closing and everything is written
     */
    private boolean awaitWork() {
        while (idle() && !this.closing) {
            try {
                if (this.health.failing()) {
                    this.lock.wait(TimeUnit.NANOSECONDS.toMillis(RETRY_NANOS));
                    if (idle() && !this.closing) {
                        return true;
                    }
                }
                else {
                    this.lock.wait();
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !idle() || !this.closing;
    }

    private boolean idle() {
        return this.toWrite.isEmpty() && this.toDelete.isEmpty() && this.durable.isEmpty();
    }

    /**
     * Writes a batch behind; at the first write the disk refuses, the rest of the batch
     * goes back to wait for the next try (unless closing: then it is reported lost).
     */
    private void writeBehind(List<Object> writes) {
        for (int i = 0; i < writes.size(); i++) {
            Object item = writes.get(i);
            try {
                writeFiles(item, false);
                this.health.succeeded();
            }
            catch (IOException ex) {
                this.health.failed(ex);
                List<Object> unwritten = writes.subList(i, writes.size());
                if (this.closing) {
                    log.error("{} items could not be written to the store directory before shutdown: {}",
                            unwritten.size(), ex.toString());
                }
                else {
                    requeue(unwritten);
                }
                return;
            }
            catch (RuntimeException ex) {
                itemLog.error("Could not write {} to the store directory", key(item), ex);
            }
        }
    }

    /**
     * Puts back items a failing disk did not take, unless they were evicted meanwhile.
     */
    private void requeue(List<Object> unwritten) {
        synchronized (this.lock) {
            for (Object item : unwritten) {
                if (this.toDelete.stream().noneMatch(gone -> gone == item)) {
                    this.toWrite.putIfAbsent(key(item), item);
                }
            }
        }
    }

    /**
     * One group commit: every item's files written and fsync'd, then each directory that
     * got one fsync'd once.
     */
    private void writeDurably(Map<Object, CompletableFuture<Void>> batch, List<Object> deleted) {
        // evicted by the history before its turn came: kept as long as it was to be,
        // nothing to write
        batch.entrySet().removeIf(entry -> {
            boolean gone = deleted.stream().anyMatch(item -> item == entry.getKey());
            if (gone) {
                entry.getValue().complete(null);
            }
            return gone;
        });
        if (batch.isEmpty()) {
            return;
        }
        Map<Object, IOException> failed = new LinkedHashMap<>();
        for (Object item : batch.keySet()) {
            try {
                writeFiles(item, true);
            }
            catch (IOException | RuntimeException ex) {
                IOException io = ex instanceof IOException cause ? cause : new IOException(ex);
                failed.put(item, io);
                this.health.failed(io);
            }
        }
        IOException directories = null;
        try {
            // only the directories that got a new name
            if (batch.keySet().stream().anyMatch(ReceivedImage.class::isInstance)) {
                AtomicFiles.forceDirectory(this.images);
            }
            if (batch.keySet().stream().anyMatch(ReceivedList.class::isInstance)) {
                AtomicFiles.forceDirectory(this.lists);
            }
        }
        catch (IOException ex) {
            directories = ex;
            this.health.failed(ex);
        }
        if (failed.isEmpty() && directories == null) {
            this.health.succeeded();
        }
        for (Map.Entry<Object, CompletableFuture<Void>> entry : batch.entrySet()) {
            IOException why = failed.getOrDefault(entry.getKey(), directories);
            if (why == null) {
                entry.getValue().complete(null);
            }
            else {
                // StoreDirectoryHealth logged the failure once; the flow counts and logs
                // the refusal
                log.debug("Could not write {} durably to the store directory: {}", key(entry.getKey()), why.toString());
                entry.getValue().completeExceptionally(new UncheckedIOException(why));
            }
        }
    }

    /**
     * Lets more arrive (and be dropped by the history) before the batch is taken; not
     * when closing.
     */
    private void gatherUntil(long deadline) {
        long left;
        while (!this.closing && this.durable.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this.lock, left);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * An image's bytes, then its metadata (which marks it complete); or a list. What
     * fails leaves no file behind.
     */
    private void writeFiles(Object item, boolean force) throws IOException {
        if (item instanceof ReceivedImage image) {
            Path original = originalFile(image.metadata());
            AtomicFiles.write(original, image.original(), force);
            try {
                AtomicFiles.write(this.images.resolve(image.id() + ".json"),
                        this.json.writeValueAsBytes(image.metadata()), force);
            }
            catch (IOException | RuntimeException ex) {
                AtomicFiles.deleteQuietly(original, ex);
                throw ex;
            }
        }
        else if (item instanceof ReceivedList list) {
            AtomicFiles.write(this.lists.resolve(list.id() + ".json"), this.json.writeValueAsBytes(list), force);
        }
    }

    /** Metadata first, so that a half-deleted image is never loaded. */
    private void delete(Object item) {
        try {
            if (item instanceof ReceivedImage image) {
                Files.deleteIfExists(this.images.resolve(image.id() + ".json"));
                Files.deleteIfExists(originalFile(image.metadata()));
            }
            else if (item instanceof ReceivedList list) {
                Files.deleteIfExists(this.lists.resolve(list.id() + ".json"));
            }
        }
        catch (IOException ex) {
            itemLog.error("Could not delete {} from the store directory", key(item), ex);
        }
    }

    private static String key(Object item) {
        return item instanceof ReceivedImage image ? "image " + image.id() : "list " + ((ReceivedList) item).id();
    }

    private Path originalFile(ImageMetadata metadata) {
        return this.images.resolve(metadata.id() + "." + metadata.format().replaceAll("[^a-z0-9]", ""));
    }

    /**
     * Waits for the writes still pending: what is kept before shutdown is on disk after
     * it.
     */
    @Override
    public void destroy() throws InterruptedException {
        if (this.writer != null) {
            synchronized (this.lock) {
                this.closing = true;
                this.lock.notifyAll();
            }
            this.writer.join(TimeUnit.SECONDS.toMillis(30));
            if (this.writer.isAlive()) {
                log.warn("Store writer did not finish within 30 s");
            }
        }
    }

}
