package dev.udpimage.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.disk.AtomicFiles;
import dev.udpimage.disk.DiskHealth;
import dev.udpimage.disk.GroupCommit;
import dev.udpimage.disk.WriteBehind;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.recording.Recorder;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.Received;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.StoreProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The history's own files, with the recording off, in {@code udp.store.dir}: <pre>
 * images/42.jpeg   the original bytes        images/42.json   its metadata (written last: marks it complete)
 * lists/7.json     the list with its metadata
 * </pre> Every file is written to a temporary name and renamed into place
 * ({@link AtomicFiles}), so a crash leaves either the whole file or none. Behind
 * ({@code async}): a {@link WriteBehind} gathers for {@code udp.store.write-delay} before
 * each batch, and an item the history drops before its turn is never written, so a flood
 * costs at most one history's worth of writes per delay. Durably ({@code sync}): a
 * {@link GroupCommit} writes and fsyncs every item handed to it meanwhile, renames them,
 * and fsyncs each directory once. The files of what the history drops are deleted, in
 * {@code sync} only once what replaced them is durable. Reading the directory at start is
 * {@link DirectoryLoader}'s.
 */
final class StoreDirectory implements HistoryKeeper {

    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);

    /** What a single item can make the store log: at most 20 lines a second. */
    private static final RateLimitedLog itemLog = new RateLimitedLog(log, 20);

    private static final Duration DISK_TIMEOUT = Duration.ofSeconds(30);

    /** One job for the disk: an item's files written, or deleted. */
    private sealed interface Work permits Write, Delete {

        Received item();

    }

    private record Write(Received item) implements Work {
    }

    private record Delete(Received item) implements Work {
    }

    private final Path root;

    private final Path images;

    private final Path lists;

    private final JsonMapper json;

    private final DirectoryLoader loader;

    private final DiskHealth health;

    private final WriteBehind<Work> behind;

    private final GroupCommit<Work> commit;

    StoreDirectory(StoreProperties properties, JsonMapper json, MeterRegistry registry, DiskHealth health) {
        this.root = Path.of(properties.dir()).toAbsolutePath().normalize();
        this.images = this.root.resolve("images");
        this.lists = this.root.resolve("lists");
        this.json = json;
        this.health = health;
        try {
            Files.createDirectories(this.images);
            Files.createDirectories(this.lists);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot create the store directory " + this.root, ex);
        }
        this.loader = new DirectoryLoader(this.images, this.lists, json, registry, this::originalFile);
        health.probe(this.root);
        long historyBytes = properties.maxBytes().toBytes() + StoreProperties.LIST_BYTES;
        this.behind = new WriteBehind<>("store-writer " + this.root, this::write, StoreDirectory::bytes,
                properties.writeDelay(),
                new WriteBehind.Limits(historyBytes, 4 * properties.history(), historyBytes, Integer.MAX_VALUE),
                new WriteBehind.Outcome<>() {

                    @Override
                    public void recovered() {
                        health.succeeded();
                    }

                    @Override
                    public void refused(IOException why) {
                        health.failed(why);
                    }

                    @Override
                    public void dropped(Work work) {
                        // only ever what the history no longer keeps
                    }

                    @Override
                    public boolean unhealthy() {
                        return health.failing();
                    }

                    @Override
                    public boolean probe() {
                        health.probe(StoreDirectory.this.root);
                        return !health.failing();
                    }

                });
        this.commit = new GroupCommit<>("store-writer-durable " + this.root, properties.writeDelay(), DISK_TIMEOUT,
                this::commit, new GroupCommit.Outcome() {

                    @Override
                    public void succeeded() {
                        health.succeeded();
                    }

                    @Override
                    public void failed(IOException why) {
                        health.failed(why);
                    }

                    @Override
                    public void stopped(IOException why) {
                        log.error("The store writer stopped; the store is DOWN until the service restarts", why);
                        health.stopped(why);
                    }

                });
        log.info("Received images and lists are kept in {}", this.root);
    }

    @Override
    public Recorder.Recent recent(int count, long maxBytes) {
        DirectoryLoader.Loaded loaded = this.loader.load();
        return new Recorder.Recent(loaded.images(), loaded.lists());
    }

    @Override
    public void keep(Received item, List<? extends Received> evicted) {
        this.behind.add(new Write(item));
        for (Received gone : evicted) {
            // not written yet: never will be; written: delete it
            if (!this.behind.remove(new Write(gone))) {
                this.behind.add(new Delete(gone));
            }
        }
    }

    @Override
    public void forget(List<? extends Received> evicted) {
        evicted.forEach(gone -> this.behind.add(new Delete(gone)));
    }

    @Override
    public void keepDurably(Received item, List<? extends Received> evicted) {
        this.commit.await(new Write(item));
        // only now that the new item is durable do the items it replaces go
        evicted.forEach(gone -> this.commit.later(new Delete(gone)));
    }

    /** A batch behind, in order; stops at the first write the disk refuses. */
    private void write(List<Work> batch) throws WriteBehind.Refused {
        for (int i = 0; i < batch.size(); i++) {
            Work work = batch.get(i);
            try {
                apply(work, false);
            }
            catch (IOException ex) {
                throw new WriteBehind.Refused(i, ex);
            }
            catch (RuntimeException ex) {
                itemLog.error("Could not write {} to the store directory", key(work.item()), ex);
            }
        }
    }

    /**
     * A group commit: every item's files written and fsync'd, then each directory that
     * got a new name fsync'd once.
     */
    private void commit(Set<Work> batch, GroupCommit.Failed<Work> failed) throws IOException {
        boolean anyImage = false;
        boolean anyList = false;
        for (Work work : batch) {
            try {
                apply(work, true);
                anyImage |= work instanceof Write && work.item() instanceof ReceivedImage;
                anyList |= work instanceof Write && work.item() instanceof ReceivedList;
            }
            catch (IOException ex) {
                failed.failed(work, ex);
            }
            catch (RuntimeException ex) {
                failed.failed(work, new IOException(ex));
            }
        }
        if (anyImage) {
            AtomicFiles.forceDirectory(this.images);
        }
        if (anyList) {
            AtomicFiles.forceDirectory(this.lists);
        }
    }

    private void apply(Work work, boolean force) throws IOException {
        if (work instanceof Write write) {
            writeFiles(write.item(), force);
        }
        else {
            delete(work.item());
        }
    }

    /**
     * An image's bytes, then its metadata (which marks it complete); or a list. What
     * fails leaves no file behind.
     */
    private void writeFiles(Received item, boolean force) throws IOException {
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
        else {
            AtomicFiles.write(this.lists.resolve(item.id() + ".json"), this.json.writeValueAsBytes(item), force);
        }
    }

    /** Metadata first, so that a half-deleted image is never loaded. */
    private void delete(Received item) {
        try {
            if (item instanceof ReceivedImage image) {
                Files.deleteIfExists(this.images.resolve(image.id() + ".json"));
                Files.deleteIfExists(originalFile(image.metadata()));
            }
            else {
                Files.deleteIfExists(this.lists.resolve(item.id() + ".json"));
            }
        }
        catch (IOException ex) {
            itemLog.error("Could not delete {} from the store directory", key(item), ex);
        }
    }

    private static long bytes(Work work) {
        return work.item() instanceof ReceivedImage image ? image.original().length
                : (long) ((ReceivedList) work.item()).bytes();
    }

    private static String key(Received item) {
        return (item instanceof ReceivedImage ? "image " : "list ") + item.id();
    }

    private Path originalFile(ImageMetadata metadata) {
        return this.images.resolve(metadata.id() + "." + metadata.format().replaceAll("[^a-z0-9]", ""));
    }

    /** Writes what waits: what is kept before shutdown is on disk after it. */
    @Override
    public void close() throws InterruptedException {
        int unwritten = this.behind.close(DISK_TIMEOUT);
        if (unwritten > 0) {
            log.error("{} items could not be written to the store directory before shutdown", unwritten);
        }
        this.commit.close();
    }

}
