package dev.udpimage.store.file;

import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.udpimage.recording.Recording;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.ReceivedStore;
import dev.udpimage.store.StoreListener;
import dev.udpimage.store.StoreProperties;

/**
 * The single-machine store: the last {@code udp.store.history} images and lists (and at
 * most {@code udp.store.max-bytes} of images) in memory for the HTTP API, mirrored to
 * {@code udp.store.dir} by {@link StoreDirectory} so they survive a restart. What a reply
 * acknowledges is in memory before the reply leaves, and in {@code sync} durability on
 * disk too (a save the disk refuses fails, and the item is not kept); then every
 * {@link StoreListener} is told.
 */
@Component
@ConditionalOnProperty(name = "udp.store.backend", havingValue = "file", matchIfMissing = true)
public class FileStore implements ReceivedStore {

    private final BoundedHistory<ReceivedImage> images;

    private final BoundedHistory<ReceivedList> lists;

    private final StoreDirectory directory;

    private final List<StoreListener> listeners;

    /**
     * Where every image is written when recording is on (then the directory keeps only
     * lists: a frame is written once); null when off.
     */
    private final Recording recording;

    /**
     * The newest image loaded from the directory (written before the recording was on).
     */
    private final long lastDirectoryId;

    /**
     * Replies wait until what they acknowledge is on disk
     * ({@code udp.store.durability=sync}).
     */
    private final boolean sync;

    public FileStore(StoreProperties properties, StoreDirectory directory, ObjectProvider<StoreListener> listeners,
            ObjectProvider<Recording> recording) {
        this.directory = directory;
        this.recording = recording.getIfAvailable();
        this.listeners = listeners.orderedStream().toList();
        this.sync = properties.durability() == StoreProperties.Durability.SYNC;
        this.images = new BoundedHistory<>(properties.history(), properties.maxBytes().toBytes(),
                image -> image.original().length);
        // lists are kept as parsed trees: bounded by what those take, estimated
        this.lists = new BoundedHistory<>(properties.history(), StoreProperties.LIST_BYTES,
                list -> (long) list.bytes() * StoreProperties.JSON_TREE_FACTOR);
        StoreDirectory.Loaded loaded = directory.load();
        this.lastDirectoryId = loaded.images().stream().mapToLong(ReceivedImage::id).max().orElse(0);
        for (ReceivedImage image : loaded.images()) {
            directory.deleteAll(this.images.restore(image, image.id()));
        }
        if (this.recording != null) {
            List<ReceivedImage> newest = this.recording.newest(properties.history(), properties.maxBytes().toBytes());
            for (int i = newest.size() - 1; i >= 0; i--) {
                this.images.restore(newest.get(i), newest.get(i).id());
            }
        }
        for (ReceivedList list : loaded.lists()) {
            directory.deleteAll(this.lists.restore(list, list.id()));
        }
    }

    @Override
    public ReceivedImage saveImage(ImageMetadata metadata, byte[] original) {
        BoundedHistory.Added<ReceivedImage> added = this.images
            .add(id -> new ReceivedImage(metadata.withId(id), original));
        if (this.recording == null) {
            persist(this.images, added);
        }
        else {
            record(this.images, added, () -> this.recording.record(added.item(), this.sync));
            this.recording.forget(added.evicted());
            // images the directory still holds from before the recording was on
            if (!added.evicted().isEmpty() && added.evicted().get(0).id() <= this.lastDirectoryId) {
                this.directory
                    .deleteAll(added.evicted().stream().filter(image -> image.id() <= this.lastDirectoryId).toList());
            }
        }
        for (StoreListener listener : this.listeners) {
            listener.imageStored(added.item());
        }
        return added.item();
    }

    @Override
    public ReceivedList saveList(ReceivedList list) {
        BoundedHistory.Added<ReceivedList> added = this.lists.add(list::withId);
        persist(this.lists, added);
        if (this.recording != null) {
            record(this.lists, added, () -> this.recording.record(added.item(), this.sync));
            this.recording.forget(added.evicted());
        }
        for (StoreListener listener : this.listeners) {
            listener.listStored(added.item());
        }
        return added.item();
    }

    /**
     * Writes behind, or in {@code sync} now: an item that cannot be written then is taken
     * back (nobody sees it), the items it evicted are put back (their files were never
     * deleted), and the save fails.
     * @throws java.io.UncheckedIOException in {@code sync}, when the disk refused the
     * item
     */
    private <T> void persist(BoundedHistory<T> history, BoundedHistory.Added<T> added) {
        if (!this.sync) {
            this.directory.write(added.item(), added.evicted());
            return;
        }
        try {
            this.directory.writeDurably(added.item(), added.evicted());
        }
        catch (RuntimeException ex) {
            // nobody saw the new item acknowledged; what it would have replaced stays
            history.takeBack(added.item(), added.evicted());
            throw ex;
        }
    }

    /**
     * Records an item: in {@code sync} a refusal takes it back and fails the save, as
     * {@link #persist} does; in {@code async} the recording writes it behind.
     */
    private <T> void record(BoundedHistory<T> history, BoundedHistory.Added<T> added, Runnable record) {
        try {
            record.run();
        }
        catch (RuntimeException ex) {
            history.takeBack(added.item(), added.evicted());
            throw ex;
        }
    }

    /**
     * In {@code sync} durability a save waits for the disk: the ports hand it to store
     * workers.
     */
    @Override
    public boolean blocksOnSave() {
        return this.sync;
    }

    @Override
    public Optional<ReceivedImage> latestImage() {
        return this.images.latest();
    }

    @Override
    public Optional<ReceivedImage> image(long id) {
        return this.images.newestFirst().stream().filter(image -> image.id() == id).findFirst();
    }

    @Override
    public List<ImageMetadata> images() {
        return this.images.newestFirst().stream().map(ReceivedImage::metadata).toList();
    }

    @Override
    public Optional<ReceivedList> latestList() {
        return this.lists.latest();
    }

    @Override
    public List<ReceivedList> lists() {
        return this.lists.newestFirst();
    }

}
