package dev.udpimage.received;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

import org.springframework.stereotype.Component;

import dev.udpimage.UdpProperties;

/**
 * The received images and lists: the last {@code udp.store.history} of each (and at most
 * {@code udp.store.max-bytes} of images), in memory for the HTTP API, mirrored to {@code udp.store.dir} so they
 * survive a restart. What a reply acknowledges is in memory before the reply leaves; files are written behind,
 * and open viewer pages are told ({@link ReceivedEvents}).
 */
@Component
public class ReceivedHistory implements ReceivedStore {

    private final History<ReceivedImage> images;

    private final History<ReceivedList> lists;

    private final StoreDirectory directory;

    private final ReceivedEvents events;

    public ReceivedHistory(UdpProperties properties, StoreDirectory directory, ReceivedEvents events) {
        this.directory = directory;
        this.events = events;
        this.images = new History<>(properties.store().history(), properties.store().maxBytes().toBytes(),
                image -> image.original().length);
        this.lists = new History<>(properties.store().history(), Long.MAX_VALUE, list -> 0);
        StoreDirectory.Loaded loaded = directory.load();
        for (ReceivedImage image : loaded.images()) {
            directory.deleteAll(this.images.restore(image, image.id()));
        }
        for (ReceivedList list : loaded.lists()) {
            directory.deleteAll(this.lists.restore(list, list.id()));
        }
    }

    @Override
    public ReceivedImage saveImage(ImageMetadata metadata, byte[] original) {
        History.Added<ReceivedImage> added = this.images.add(id -> new ReceivedImage(metadata.withId(id), original));
        this.directory.write(added.item(), added.evicted());
        this.events.imageStored(added.item().metadata());
        return added.item();
    }

    @Override
    public ReceivedList saveList(ReceivedList list) {
        History.Added<ReceivedList> added = this.lists.add(list::withId);
        this.directory.write(added.item(), added.evicted());
        this.events.listStored(added.item());
        return added.item();
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

    /** A newest-first history, bounded in count and bytes, that numbers what it keeps. */
    private static final class History<T> {

        record Added<T>(T item, List<T> evicted) {
        }

        private final int capacity;

        private final long maxBytes;

        private final ToLongFunction<T> size;

        private final Deque<T> items = new ArrayDeque<>();

        private long bytes;

        private long lastId;

        History(int capacity, long maxBytes, ToLongFunction<T> size) {
            this.capacity = capacity;
            this.maxBytes = maxBytes;
            this.size = size;
        }

        synchronized Added<T> add(LongFunction<T> withId) {
            T item = withId.apply(++this.lastId);
            return new Added<>(item, push(item));
        }

        /** Puts back an item loaded at start-up (oldest first); returns what no longer fits. */
        synchronized List<T> restore(T item, long id) {
            this.lastId = Math.max(this.lastId, id);
            return push(item);
        }

        private List<T> push(T item) {
            this.items.addFirst(item);
            this.bytes += this.size.applyAsLong(item);
            List<T> evicted = new ArrayList<>();
            while (this.items.size() > this.capacity || (this.bytes > this.maxBytes && this.items.size() > 1)) {
                T oldest = this.items.removeLast();
                this.bytes -= this.size.applyAsLong(oldest);
                evicted.add(oldest);
            }
            return evicted;
        }

        synchronized Optional<T> latest() {
            return Optional.ofNullable(this.items.peekFirst());
        }

        synchronized List<T> newestFirst() {
            return List.copyOf(this.items);
        }
    }
}
