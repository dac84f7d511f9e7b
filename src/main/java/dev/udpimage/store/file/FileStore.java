package dev.udpimage.store.file;

import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

import dev.udpimage.disk.DiskHealth;
import dev.udpimage.recording.Recorder;
import dev.udpimage.store.Backends;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.Received;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.ReceivedStore;
import dev.udpimage.store.StoreListener;
import dev.udpimage.store.StoreProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The single-machine store: the last {@code udp.store.history} images and lists (and at
 * most {@code udp.store.max-bytes} of images) in memory for the HTTP API, kept on disk to
 * survive a restart by the recording (which records every frame and list anyway), or with
 * the recording off by the history's own directory ({@link StoreDirectory}), or nowhere
 * ({@code udp.store.dir} empty). What a reply acknowledges is in memory before the reply
 * leaves, and in {@code sync} durability on disk too (a save the disk refuses fails, and
 * the item is taken back); then every {@link StoreListener} is told.
 */
@Component
@Conditional(Backends.File.class)
public class FileStore implements ReceivedStore, DisposableBean {

    private final BoundedHistory<ReceivedImage> images;

    private final BoundedHistory<ReceivedList> lists;

    private final HistoryKeeper keeper;

    private final List<StoreListener> listeners;

    /** Replies wait until what they acknowledge is on disk. */
    private final boolean sync;

    public FileStore(StoreProperties properties, ObjectProvider<Recorder> recorder,
            ObjectProvider<StoreListener> listeners, JsonMapper json, MeterRegistry registry, DiskHealth health) {
        this.listeners = listeners.orderedStream().toList();
        this.sync = properties.durability() == StoreProperties.Durability.SYNC;
        this.images = new BoundedHistory<>(properties.history(), properties.maxBytes().toBytes(),
                image -> image.original().length);
        // lists are kept as parsed trees: bounded by what those take, estimated
        this.lists = new BoundedHistory<>(properties.history(), StoreProperties.LIST_BYTES,
                list -> (long) list.bytes() * StoreProperties.JSON_TREE_FACTOR);
        Recorder recording = recorder.getIfAvailable();
        this.keeper = recording != null ? HistoryKeeper.of(recording)
                : properties.hasDir() ? new StoreDirectory(properties, json, registry, health) : HistoryKeeper.MEMORY;
        Recorder.Recent recent = this.keeper.recent(properties.history(), properties.maxBytes().toBytes());
        for (ReceivedImage image : recent.images()) {
            this.keeper.forget(this.images.restore(image, image.id()));
        }
        for (ReceivedList list : recent.lists()) {
            this.keeper.forget(this.lists.restore(list, list.id()));
        }
    }

    @Override
    public ReceivedImage saveImage(ImageMetadata metadata, byte[] original) {
        ReceivedImage image = keep(this.images,
                this.images.add(id -> new ReceivedImage(metadata.withId(id), original)));
        for (StoreListener listener : this.listeners) {
            listener.imageStored(image);
        }
        return image;
    }

    @Override
    public ReceivedList saveList(ReceivedList list) {
        ReceivedList saved = keep(this.lists, this.lists.add(list::withId));
        for (StoreListener listener : this.listeners) {
            listener.listStored(saved);
        }
        return saved;
    }

    /**
     * Keeps a new item on disk, behind or in {@code sync} now: an item the disk refuses
     * is taken back (nobody saw it acknowledged) with what it evicted, and the save
     * fails.
     * @throws java.io.UncheckedIOException in {@code sync}, when the disk refused it
     */
    private <T extends Received> T keep(BoundedHistory<T> history, BoundedHistory.Added<T> added) {
        if (!this.sync) {
            this.keeper.keep(added.item(), added.evicted());
            return added.item();
        }
        try {
            this.keeper.keepDurably(added.item(), added.evicted());
        }
        catch (RuntimeException ex) {
            history.takeBack(added.item(), added.evicted());
            throw ex;
        }
        return added.item();
    }

    /** In {@code sync} a save waits for the disk: the ports hand it to store workers. */
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

    @Override
    public void destroy() throws InterruptedException {
        this.keeper.close();
    }

}
