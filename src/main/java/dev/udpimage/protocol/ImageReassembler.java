package dev.udpimage.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reassembles legacy image transfers, one per sender. Pure Java: the sender key is whatever identifies a
 * peer ({@code InetSocketAddress} in the service), time is passed in as nanoseconds.
 *
 * <p>Per sender, a datagram is read as:
 * <ul>
 *   <li>no transfer pending, 8 bytes: a header; a transfer of that many bytes starts;</li>
 *   <li>no transfer pending, empty: the trailing empty datagram the clients send when the length is a
 *       multiple of 1024; ignored;</li>
 *   <li>no transfer pending, any other length: a whole image in one datagram;</li>
 *   <li>transfer pending: the next chunk, appended in arrival order.</li>
 * </ul>
 * A transfer with no datagram for {@code stallTimeout} is discarded (reported to the stall listener), so a
 * lost datagram never wedges a sender: its next header starts afresh.
 *
 * <p>Thread-safe; the service feeds each port from one ordered worker, so the lock is uncontended there.
 */
public final class ImageReassembler<K> {

    /** A completed image: the exact bytes the sender announced. */
    public record Assembled(byte[] bytes, int datagrams, Kind kind, long startedNanos, long completedNanos) {

        public Duration duration() {
            return Duration.ofNanos(this.completedNanos - this.startedNanos);
        }
    }

    /** How the image arrived: header + chunks, or one datagram. */
    public enum Kind { CHUNKED, WHOLE }

    /** A transfer discarded because its sender went silent. */
    public record Stalled<K>(K sender, long expected, long received, int datagrams) {
    }

    public interface StallListener<K> {
        void stalled(Stalled<K> stalled);
    }

    /** Grow buffers in steps of at least this, not to the claimed length up front. */
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private final long maxImageBytes;

    private final long stallTimeoutNanos;

    private final StallListener<K> stallListener;

    private final Map<K, Transfer> pending = new HashMap<>();

    public ImageReassembler(long maxImageBytes, Duration stallTimeout, StallListener<K> stallListener) {
        if (maxImageBytes <= 0 || maxImageBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxImageBytes must be in 1.." + (Integer.MAX_VALUE - 8));
        }
        this.maxImageBytes = maxImageBytes;
        this.stallTimeoutNanos = stallTimeout.toNanos();
        this.stallListener = stallListener;
    }

    /**
     * Takes one datagram from {@code sender}.
     * @return the completed image, or {@code null} while a transfer is still incomplete (or the datagram was
     *     ignored)
     * @throws Rejection for a header out of range or a chunk overrunning its transfer
     */
    public synchronized Assembled accept(K sender, byte[] datagram, long nowNanos) {
        Transfer transfer = this.pending.get(sender);
        if (transfer != null && nowNanos - transfer.lastNanos > this.stallTimeoutNanos) {
            discardStalled(sender, transfer);
            transfer = null;
        }
        if (transfer == null) {
            return startOrWhole(sender, datagram, nowNanos);
        }
        if (datagram.length > transfer.remaining()) {
            this.pending.remove(sender);
            throw new Rejection(Rejection.Reason.OVERRUN, "datagram of " + datagram.length + " bytes overruns "
                    + transfer.remaining() + " bytes still expected of " + transfer.expected);
        }
        transfer.append(datagram, nowNanos);
        if (transfer.received < transfer.expected) {
            return null;
        }
        this.pending.remove(sender);
        return new Assembled(transfer.buffer, transfer.datagrams, Kind.CHUNKED, transfer.startedNanos, nowNanos);
    }

    private Assembled startOrWhole(K sender, byte[] datagram, long nowNanos) {
        if (datagram.length == 0) {
            return null;
        }
        if (datagram.length != LegacyProtocol.HEADER_LENGTH) {
            return new Assembled(datagram, 1, Kind.WHOLE, nowNanos, nowNanos);
        }
        long length = LegacyProtocol.decodeHeader(datagram);
        if (length <= 0) {
            throw new Rejection(Rejection.Reason.BAD_HEADER, "header claims " + length + " bytes");
        }
        if (length > this.maxImageBytes) {
            throw new Rejection(Rejection.Reason.OVERSIZE,
                    "header claims " + length + " bytes, more than the maximum " + this.maxImageBytes);
        }
        this.pending.put(sender, new Transfer((int) length, nowNanos));
        return null;
    }

    /** Discards every transfer silent for longer than the stall timeout; returns how many. */
    public synchronized int expireStalled(long nowNanos) {
        List<Map.Entry<K, Transfer>> stalled = new ArrayList<>();
        for (Iterator<Map.Entry<K, Transfer>> it = this.pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<K, Transfer> entry = it.next();
            if (nowNanos - entry.getValue().lastNanos > this.stallTimeoutNanos) {
                stalled.add(entry);
                it.remove();
            }
        }
        stalled.forEach(e -> report(e.getKey(), e.getValue()));
        return stalled.size();
    }

    private void discardStalled(K sender, Transfer transfer) {
        this.pending.remove(sender);
        report(sender, transfer);
    }

    private void report(K sender, Transfer transfer) {
        this.stallListener.stalled(new Stalled<>(sender, transfer.expected, transfer.received, transfer.datagrams));
    }

    public synchronized int pendingTransfers() {
        return this.pending.size();
    }

    /** Bytes held by pending transfers (their buffers' capacity). */
    public synchronized long inFlightBytes() {
        return this.pending.values().stream().mapToLong(t -> t.buffer.length).sum();
    }

    private static final class Transfer {

        private final int expected;

        private final long startedNanos;

        private long lastNanos;

        private byte[] buffer;

        private int received;

        private int datagrams = 1; // the header

        Transfer(int expected, long nowNanos) {
            this.expected = expected;
            this.startedNanos = nowNanos;
            this.lastNanos = nowNanos;
            this.buffer = new byte[Math.min(expected, INITIAL_CAPACITY)];
        }

        int remaining() {
            return this.expected - this.received;
        }

        void append(byte[] chunk, long nowNanos) {
            int needed = this.received + chunk.length;
            if (needed > this.buffer.length) {
                // Double, but never past the announced length: the final buffer is exactly the image.
                int capacity = (int) Math.min(this.expected, Math.max(needed, 2L * this.buffer.length));
                this.buffer = Arrays.copyOf(this.buffer, capacity);
            }
            System.arraycopy(chunk, 0, this.buffer, this.received, chunk.length);
            this.received = needed;
            this.datagrams++;
            this.lastNanos = nowNanos;
        }
    }
}
