package dev.udpimage.stream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The hub's streams by key, in two segments (a segmented LRU): a sender seen once is a
 * newcomer; seen again, a regular. What has to go goes least recently seen first, and
 * newcomers before regulars: a flood of one-datagram senders from spoofed addresses
 * passes through the newcomers and never pushes out a camera that sends frame after
 * frame. Regulars take at most three quarters of the places, so that new cameras always
 * find room. Every operation takes constant time. Not thread-safe.
 */
final class StreamTable<V> {

    private final LinkedHashMap<String, V> newcomers = new LinkedHashMap<>(64, 0.75f, true);

    private final LinkedHashMap<String, V> regulars = new LinkedHashMap<>(64, 0.75f, true);

    private final int maxRegulars;

    StreamTable(int maxEntries) {
        this.maxRegulars = Math.max(1, maxEntries - maxEntries / 4);
    }

    V get(String key) {
        V value = this.regulars.get(key);
        return value != null ? value : this.newcomers.get(key);
    }

    /**
     * The entry of a key that was just seen, made by {@code create} if new: a newcomer
     * seen again becomes a regular (the least recently seen regular becomes a newcomer
     * again if they are all taken).
     */
    V seen(String key, Function<String, V> create) {
        V value = this.regulars.get(key);
        if (value != null) {
            return value;
        }
        value = this.newcomers.remove(key);
        if (value == null) {
            value = create.apply(key);
            this.newcomers.put(key, value);
            return value;
        }
        this.regulars.put(key, value);
        if (this.regulars.size() > this.maxRegulars) {
            Iterator<Map.Entry<String, V>> eldest = this.regulars.entrySet().iterator();
            Map.Entry<String, V> demoted = eldest.next();
            eldest.remove();
            this.newcomers.put(demoted.getKey(), demoted.getValue());
        }
        return value;
    }

    /**
     * Removes the least recently seen newcomer, else the least recently seen regular, but
     * never {@code keep}.
     * @return what was removed, or null if only {@code keep} is left
     */
    V evictOne(V keep) {
        for (LinkedHashMap<String, V> segment : List.of(this.newcomers, this.regulars)) {
            Iterator<V> eldest = segment.values().iterator();
            while (eldest.hasNext()) {
                V value = eldest.next();
                if (value != keep) {
                    eldest.remove();
                    return value;
                }
            }
        }
        return null;
    }

    int size() {
        return this.newcomers.size() + this.regulars.size();
    }

    List<V> values() {
        List<V> all = new ArrayList<>(this.regulars.values());
        all.addAll(this.newcomers.values());
        return all;
    }

    /** Removes every entry that {@code gone} accepts; returns them. */
    List<V> removeIf(Predicate<V> gone) {
        List<V> removed = new ArrayList<>();
        for (LinkedHashMap<String, V> segment : List.of(this.newcomers, this.regulars)) {
            segment.values().removeIf(value -> gone.test(value) && removed.add(value));
        }
        return removed;
    }

}
