package dev.udpimage.store.file;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * A newest-first history, bounded in count and bytes, that numbers what it keeps.
 * Thread-safe.
 */
final class BoundedHistory<T> {

    record Added<T>(T item, List<T> evicted) {
    }

    private final int capacity;

    private final long maxBytes;

    private final ToLongFunction<T> size;

    private final Deque<T> items = new ArrayDeque<>();

    private long bytes;

    private long lastId;

    BoundedHistory(int capacity, long maxBytes, ToLongFunction<T> size) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.size = size;
    }

    synchronized Added<T> add(LongFunction<T> withId) {
        T item = withId.apply(++this.lastId);
        return new Added<>(item, push(item));
    }

    /**
     * Puts back an item loaded at start-up (oldest first); returns what no longer fits.
     */
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

    /**
     * Takes back an item that could not be kept after all (by identity), and puts back,
     * as the oldest, what adding it evicted.
     */
    synchronized void takeBack(T item, List<T> evicted) {
        if (this.items.removeIf(kept -> kept == item)) {
            this.bytes -= this.size.applyAsLong(item);
        }
        for (int i = evicted.size() - 1; i >= 0; i--) {
            this.items.addLast(evicted.get(i));
            this.bytes += this.size.applyAsLong(evicted.get(i));
        }
    }

    synchronized Optional<T> latest() {
        return Optional.ofNullable(this.items.peekFirst());
    }

    synchronized List<T> newestFirst() {
        return List.copyOf(this.items);
    }

}
