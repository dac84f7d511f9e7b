package dev.udpimage.limit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * State per key (a client's address), for at most {@code maxKeys} keys: the one used
 * longest ago is forgotten first, so a flood from many (spoofed) addresses costs bounded
 * memory and forgets nothing a key earned that it could not earn again. Not thread-safe.
 */
public final class PerKey<K, V> {

    private final Map<K, V> values;

    private final Function<K, V> create;

    public PerKey(int maxKeys, Function<K, V> create) {
        this.create = create;
        this.values = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > maxKeys;
            }
        };
    }

    public V get(K key) {
        return this.values.computeIfAbsent(key, this.create);
    }

    /** The key's state, or null when it has none (none is made). */
    public V find(K key) {
        return this.values.get(key);
    }

    public int size() {
        return this.values.size();
    }

}
