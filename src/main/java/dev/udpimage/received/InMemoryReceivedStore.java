package dev.udpimage.received;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.stereotype.Component;

import dev.udpimage.UdpProperties;

/** Keeps the last {@code udp.store.history} images and lists in memory. */
@Component
public class InMemoryReceivedStore implements ReceivedStore {

    private final History<ReceivedImage> images;

    private final History<ReceivedList> lists;

    public InMemoryReceivedStore(UdpProperties properties) {
        this.images = new History<>(properties.store().history());
        this.lists = new History<>(properties.store().history());
    }

    @Override
    public ReceivedImage saveImage(ImageMetadata metadata, byte[] original) {
        return this.images.add(id -> new ReceivedImage(metadata.withId(id), original));
    }

    @Override
    public ReceivedList saveList(ReceivedList list) {
        return this.lists.add(list::withId);
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

    /** A bounded, newest-first history that numbers what it keeps. */
    private static final class History<T> {

        private final int capacity;

        private final Deque<T> items = new ArrayDeque<>();

        private long lastId;

        History(int capacity) {
            this.capacity = capacity;
        }

        synchronized T add(Function<Long, T> withId) {
            T item = withId.apply(++this.lastId);
            this.items.addFirst(item);
            if (this.items.size() > this.capacity) {
                this.items.removeLast();
            }
            return item;
        }

        synchronized Optional<T> latest() {
            return Optional.ofNullable(this.items.peekFirst());
        }

        synchronized List<T> newestFirst() {
            return List.copyOf(this.items);
        }
    }
}
