package dev.udpimage.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.udpimage.UdpProperties;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
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
 * stays bounded. Shutting down waits for the writer. At start-up, files that don't parse,
 * half-written images and leftover temporary files are skipped and reported (logged, and
 * counted in {@code udp.store.skipped.files}), never fatal.
 */
@Component
@ConditionalOnProperty(name = "udp.store.backend", havingValue = "file", matchIfMissing = true)
public class StoreDirectory implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);

    private static final String TMP = ".tmp";

    /**
     * Bytes per {@code write} call:
     * {@link Files#write(Path, byte[], java.nio.file.OpenOption...)} writes in 8 KB
     * pieces, each a system call plus a copy through a temporary direct buffer; 1 MB
     * pieces take a fraction of the writer's CPU, and the JDK's cached temporary buffer
     * stays at 1 MB.
     */
    private static final int WRITE_SLICE = 1 << 20;

    /** What was found at start-up, oldest first. */
    public record Loaded(List<ReceivedImage> images, List<ReceivedList> lists, int skipped) {
    }

    private final Path images;

    private final Path lists;

    private final JsonMapper json;

    private final Counter skippedFiles;

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

    private boolean closing;

    public StoreDirectory(UdpProperties properties, JsonMapper json, MeterRegistry registry) {
        String dir = properties.store().dir();
        this.json = json;
        this.writeDelayNanos = properties.store().writeDelay().toNanos();
        this.skippedFiles = Counter.builder("udp.store.skipped.files")
            .description("Corrupt or half-written files skipped at start-up")
            .register(registry);
        if (dir == null || dir.isBlank()) {
            this.images = null;
            this.lists = null;
            this.writer = null;
            log.info("udp.store.dir is empty: received images and lists are kept in memory only");
            return;
        }
        Path root = Path.of(dir).toAbsolutePath().normalize();
        this.images = root.resolve("images");
        this.lists = root.resolve("lists");
        try {
            Files.createDirectories(this.images);
            Files.createDirectories(this.lists);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot create the store directory " + root, ex);
        }
        this.writer = new Thread(this::writeBehind, "store-writer");
        // destroy() waits for it; it must not hold the JVM up on its own
        this.writer.setDaemon(true);
        this.writer.start();
        log.info("Received images and lists are kept in {}", root);
    }

    // ---- start-up
    // ---------------------------------------------------------------------------------------------

    public Loaded load() {
        if (this.writer == null) {
            return new Loaded(List.of(), List.of(), 0);
        }
        int[] skipped = { 0 };
        List<ReceivedImage> loadedImages = new ArrayList<>();
        for (Path metadataFile : jsonFiles(this.images, skipped)) {
            try {
                ImageMetadata metadata = this.json.readValue(metadataFile.toFile(), ImageMetadata.class);
                Path original = originalFile(metadata);
                byte[] bytes = Files.readAllBytes(original);
                if (bytes.length != metadata.bytes()) {
                    throw new IOException(original.getFileName() + " has " + bytes.length + " bytes, its metadata says "
                            + metadata.bytes());
                }
                loadedImages.add(new ReceivedImage(metadata, bytes));
            }
            catch (IOException | RuntimeException ex) {
                skip(metadataFile, ex, skipped);
            }
        }
        List<ReceivedList> loadedLists = new ArrayList<>();
        for (Path listFile : jsonFiles(this.lists, skipped)) {
            try {
                loadedLists.add(this.json.readValue(listFile.toFile(), ReceivedList.class));
            }
            catch (RuntimeException ex) {
                skip(listFile, ex, skipped);
            }
        }
        loadedImages.sort(Comparator.comparingLong(ReceivedImage::id));
        loadedLists.sort(Comparator.comparingLong(ReceivedList::id));
        log.info("Loaded {} images and {} lists from the store ({} files skipped)", loadedImages.size(),
                loadedLists.size(), skipped[0]);
        return new Loaded(loadedImages, loadedLists, skipped[0]);
    }

    /**
     * The complete {@code *.json} files of a folder; leftover temporary files are removed
     * and reported.
     */
    private List<Path> jsonFiles(Path folder, int[] skipped) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> complete = new ArrayList<>();
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(TMP)) {
                    skip(file, new IOException("half-written (temporary file left by a crash)"), skipped);
                    Files.deleteIfExists(file);
                }
                else if (name.endsWith(".json")) {
                    complete.add(file);
                }
            }
            return complete;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read the store directory " + folder, ex);
        }
    }

    private void skip(Path file, Exception why, int[] skipped) {
        skipped[0]++;
        this.skippedFiles.increment();
        log.warn("Skipped {} at start-up: {}", file, why.getMessage());
    }

    // ---- writing behind
    // ---------------------------------------------------------------------------------------

    void write(ReceivedImage image, List<ReceivedImage> evicted) {
        enqueue(image, evicted);
    }

    void write(ReceivedList list, List<ReceivedList> evicted) {
        enqueue(list, evicted);
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
            this.durable.put(item, written);
            for (Object gone : evicted) {
                this.toDelete.add(gone);
            }
            this.lock.notifyAll();
        }
        try {
            written.join();
        }
        catch (CompletionException ex) {
            throw ex.getCause() instanceof UncheckedIOException io ? io
                    : new UncheckedIOException(new IOException(ex.getCause()));
        }
    }

    /** Deletes the files of items no longer kept. */
    void deleteAll(List<?> evicted) {
        enqueue(null, evicted);
    }

    private void enqueue(Object item, List<?> evicted) {
        if (this.writer == null) {
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
        while (true) {
            List<Object> writes;
            List<Object> deletes;
            Map<Object, CompletableFuture<Void>> durableBatch;
            synchronized (this.lock) {
                while (this.toWrite.isEmpty() && this.toDelete.isEmpty() && this.durable.isEmpty() && !this.closing) {
                    try {
                        this.lock.wait();
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (this.toWrite.isEmpty() && this.toDelete.isEmpty() && this.durable.isEmpty()) {
                    return; // closing, and everything is written
                }
                if (this.durable.isEmpty()) { // nobody waits: gather what comes meanwhile
                    gatherUntil(System.nanoTime() + this.writeDelayNanos);
                }
                writes = new ArrayList<>(this.toWrite.values());
                deletes = new ArrayList<>(this.toDelete);
                durableBatch = new LinkedHashMap<>(this.durable);
                this.toWrite.clear();
                this.toDelete.clear();
                this.durable.clear();
            }
            deletes.forEach(this::delete);
            writes.forEach(this::writeFiles);
            writeDurably(durableBatch);
        }
    }

    /**
     * One group commit: every item's files written and fsync'd, then each directory
     * fsync'd once.
     */
    private void writeDurably(Map<Object, CompletableFuture<Void>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<Object, IOException> failed = new LinkedHashMap<>();
        for (Object item : batch.keySet()) {
            try {
                writeFiles(item, true);
            }
            catch (IOException | RuntimeException ex) {
                failed.put(item, ex instanceof IOException io ? io : new IOException(ex));
            }
        }
        IOException directories = null;
        try {
            forceDirectory(this.images);
            forceDirectory(this.lists);
        }
        catch (IOException ex) {
            directories = ex;
        }
        for (Map.Entry<Object, CompletableFuture<Void>> entry : batch.entrySet()) {
            IOException why = failed.getOrDefault(entry.getKey(), directories);
            if (why == null) {
                entry.getValue().complete(null);
            }
            else {
                log.error("Could not write {} durably to the store directory: {}", key(entry.getKey()), why.toString());
                entry.getValue().completeExceptionally(new UncheckedIOException(why));
            }
        }
    }

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Lets more arrive (and be dropped by the history) before the batch is taken; not
     * when closing.
     */
    private void gatherUntil(long deadline) {
        long left;
        while (!this.closing && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this.lock, left);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeFiles(Object item) {
        try {
            writeFiles(item, false);
        }
        catch (IOException | RuntimeException ex) {
            log.error("Could not write {} to the store directory", key(item), ex);
        }
    }

    /** An image's bytes, then its metadata (which marks it complete); or a list. */
    private void writeFiles(Object item, boolean force) throws IOException {
        if (item instanceof ReceivedImage image) {
            writeAtomically(originalFile(image.metadata()), image.original(), force);
            writeAtomically(this.images.resolve(image.id() + ".json"), this.json.writeValueAsBytes(image.metadata()),
                    force);
        }
        else if (item instanceof ReceivedList list) {
            writeAtomically(this.lists.resolve(list.id() + ".json"), this.json.writeValueAsBytes(list), force);
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
            log.error("Could not delete {} from the store directory", key(item), ex);
        }
    }

    private static String key(Object item) {
        return item instanceof ReceivedImage image ? "image " + image.id() : "list " + ((ReceivedList) item).id();
    }

    private Path originalFile(ImageMetadata metadata) {
        return this.images.resolve(metadata.id() + "." + metadata.format().replaceAll("[^a-z0-9]", ""));
    }

    /**
     * @param force fsync the file before it is renamed into place
     */
    private static void writeAtomically(Path target, byte[] bytes, boolean force) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TMP);
        try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int offset = 0; offset < bytes.length;) {
                offset += file.write(ByteBuffer.wrap(bytes, offset, Math.min(WRITE_SLICE, bytes.length - offset)));
            }
            if (force) {
                file.force(false);
            }
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException ex) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
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
