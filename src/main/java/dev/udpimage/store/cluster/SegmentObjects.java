package dev.udpimage.store.cluster;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads frames out of sealed segment objects. A segment of at most {@value #WHOLE_BYTES}
 * bytes is fetched whole and kept, the most recently read ones up to {@code cacheBytes}
 * together, since replays and exports read a segment's frames in turn; a frame of a
 * larger segment is one ranged GET.
 */
class SegmentObjects {

    /** Segments up to this size are fetched whole. */
    static final int WHOLE_BYTES = 32 << 20;

    private final ObjectStore objects;

    private final long cacheBytes;

    /** Guarded by itself. */
    private final Map<String, byte[]> recent = new LinkedHashMap<>(16, 0.75f, true);

    private long recentBytes;

    SegmentObjects(ObjectStore objects, long cacheBytes) {
        this.objects = objects;
        this.cacheBytes = cacheBytes;
    }

    ObjectStore objects() {
        return this.objects;
    }

    /** A frame's bytes: {@code length} bytes at {@code offset} of a segment's object. */
    byte[] read(String key, long segmentBytes, long offset, int length) {
        byte[] whole;
        synchronized (this.recent) {
            whole = this.recent.get(key);
        }
        if (whole == null && segmentBytes <= WHOLE_BYTES) {
            whole = this.objects.get(key);
            remember(key, whole);
        }
        if (whole != null) {
            return Arrays.copyOfRange(whole, Math.toIntExact(offset), Math.toIntExact(offset + length));
        }
        return this.objects.getRange(key, offset, length);
    }

    /** A segment just written, for the readers that follow. */
    void remember(String key, byte[] bytes) {
        if (bytes.length > WHOLE_BYTES || bytes.length > this.cacheBytes) {
            return;
        }
        synchronized (this.recent) {
            if (this.recent.put(key, bytes) == null) {
                this.recentBytes += bytes.length;
            }
            var oldest = this.recent.entrySet().iterator();
            while (this.recentBytes > this.cacheBytes && oldest.hasNext()) {
                this.recentBytes -= oldest.next().getValue().length;
                oldest.remove();
            }
        }
    }

    void forget(Iterable<String> keys) {
        synchronized (this.recent) {
            for (String key : keys) {
                byte[] bytes = this.recent.remove(key);
                if (bytes != null) {
                    this.recentBytes -= bytes.length;
                }
            }
        }
    }

}
