package dev.udpimage.notify.mqtt;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Snapshots on their way to the broker, bounded in bytes. A snapshot topic is retained,
 * so only a camera's newest snapshot is worth sending: one waiting is replaced by a newer
 * one of the same camera. Those waiting and those handed to the client but not yet
 * acknowledged hold at most {@code maxBytes} together, or one snapshot more: past it the
 * oldest camera's waiting snapshot is dropped. What is in flight is counted per
 * connection: a connection's unacknowledged snapshots fail when it is lost, and the next
 * one starts from none. Thread-safe.
 */
final class SnapshotOutbox {

    /** A snapshot to send now, of the connection {@code generation}. */
    record Outgoing(String topic, byte[] bytes, long generation) {
    }

    private final long maxBytes;

    private final Map<String, byte[]> waiting = new LinkedHashMap<>();

    private long waitingBytes;

    private long inFlightBytes;

    private long generation;

    SnapshotOutbox(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Adds a camera's newest snapshot.
     * @return how many other cameras' snapshots were dropped to stay within the bound
     */
    synchronized int put(String topic, byte[] bytes) {
        byte[] older = this.waiting.remove(topic);
        if (older != null) {
            this.waitingBytes -= older.length;
        }
        this.waiting.put(topic, bytes);
        this.waitingBytes += bytes.length;
        int dropped = 0;
        Iterator<byte[]> oldest = this.waiting.values().iterator();
        while (this.waitingBytes + this.inFlightBytes > this.maxBytes && this.waiting.size() > 1) {
            this.waitingBytes -= oldest.next().length;
            oldest.remove();
            dropped++;
        }
        return dropped;
    }

    /**
     * Puts back a snapshot whose sending failed, unless a newer one of its camera waits
     * already or it belongs to an earlier connection's count.
     */
    synchronized void retry(Outgoing failed) {
        done(failed);
        if (!this.waiting.containsKey(failed.topic())
                && this.waitingBytes + this.inFlightBytes + failed.bytes().length <= this.maxBytes) {
            this.waiting.put(failed.topic(), failed.bytes());
            this.waitingBytes += failed.bytes().length;
        }
    }

    /**
     * The waiting snapshots that may go now, oldest first: as many as keep the bytes in
     * flight within the bound (one, however large, when none is in flight).
     */
    synchronized List<Outgoing> take() {
        List<Outgoing> now = new ArrayList<>();
        Iterator<Map.Entry<String, byte[]>> entries = this.waiting.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, byte[]> entry = entries.next();
            int length = entry.getValue().length;
            if (this.inFlightBytes > 0 && this.inFlightBytes + length > this.maxBytes) {
                break;
            }
            entries.remove();
            this.waitingBytes -= length;
            this.inFlightBytes += length;
            now.add(new Outgoing(entry.getKey(), entry.getValue(), this.generation));
        }
        return now;
    }

    /** A snapshot was acknowledged, or failed: its bytes are no longer in flight. */
    synchronized void done(Outgoing sent) {
        if (sent.generation() == this.generation) {
            this.inFlightBytes -= sent.bytes().length;
        }
    }

    /** A new connection: nothing of the earlier one counts as in flight any more. */
    synchronized void connected() {
        this.generation++;
        this.inFlightBytes = 0;
    }

    /** The bytes waiting and in flight. */
    synchronized long bytes() {
        return this.waitingBytes + this.inFlightBytes;
    }

}
