package dev.udpimage.protocol;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles legacy image transfers, one per sender. Pure Java: the sender key is
 * whatever identifies a peer ({@code InetSocketAddress} in the service), time is passed
 * in as nanoseconds.
 *
 * <p>
 * Per sender, a datagram is read as:
 * <ul>
 * <li>no transfer pending, 8 bytes: a header; a transfer of that many bytes starts;</li>
 * <li>no transfer pending, empty: the trailing empty datagram the clients send when the
 * length is a multiple of 1024; ignored;</li>
 * <li>no transfer pending, any other length: a whole image in one datagram;</li>
 * <li>transfer pending: the next chunk, appended in arrival order.</li>
 * </ul>
 * A transfer with no datagram for {@code stallTimeout} is discarded (reported to the drop
 * listener), so a lost datagram never wedges a sender: its next header starts afresh.
 *
 * <p>
 * Memory is bounded whatever arrives: a transfer's buffer grows with the bytes that
 * arrived, in {@link BlockBuffer} blocks, not with what its header claims; at most
 * {@code maxPending} transfers and {@code maxInFlightBytes} of buffers are held, and the
 * oldest transfers are evicted to make room.
 *
 * <p>
 * Thread-safe; the service feeds each port from one ordered worker, so the lock is
 * uncontended there.
 */
public final class ImageReassembler<K> {

    /** A completed image: the exact bytes the sender announced. */
    public record Assembled(byte[] bytes, int datagrams, Kind kind, long startedNanos, long completedNanos) {

        public Duration duration() {
            return Duration.ofNanos(this.completedNanos - this.startedNanos);
        }
    }

    /**
     * How the image arrived: header + chunks, one datagram, or reliable mode
     * (docs/reliable-protocol.md).
     */
    public enum Kind {

        CHUNKED, WHOLE, RELIABLE

    }

    /**
     * A transfer discarded before it completed: its sender went silent (STALLED), or it
     * was EVICTED.
     */
    public record Dropped<K>(K sender, Rejection.Reason reason, long expected, long received, int datagrams) {
    }

    public interface DropListener<K> {

        void dropped(Dropped<K> dropped);

    }

    /** Limits on one reassembler's memory. */
    public record Limits(long maxImageBytes, Duration stallTimeout, int maxPending, long maxInFlightBytes) {

        public Limits {
            if (maxImageBytes <= 0 || maxImageBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxImageBytes must be in 1.." + (Integer.MAX_VALUE - 8));
            }
            if (maxPending < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1");
            }
            if (maxInFlightBytes < maxImageBytes) {
                throw new IllegalArgumentException("maxInFlightBytes must hold at least one maximal image");
            }
        }
    }

    /**
     * Free blocks kept for reuse: a 9 MB image's, and some. Heap the service holds for
     * good.
     */
    public static final long POOLED_BYTES = 16L << 20;

    private final Limits limits;

    private final long stallTimeoutNanos;

    private final DropListener<K> dropListener;

    /**
     * In the order the transfers started: the first is the oldest, the one evicted first.
     */
    private final Map<K, Transfer> pending = new LinkedHashMap<>();

    private long inFlightBytes;

    /**
     * The blocks of finished transfers, for the next ones. A block is only allocated when
     * none is kept, and then under the in-flight limit, so kept blocks and pending
     * transfers' blocks together stay under it.
     */
    private final BlockPool blocks = new BlockPool(POOLED_BYTES);

    public ImageReassembler(Limits limits, DropListener<K> dropListener) {
        this.limits = limits;
        this.stallTimeoutNanos = limits.stallTimeout().toNanos();
        this.dropListener = dropListener;
    }

    /**
     * Appends a chunk to the sender's transfer in progress, when that is all it does: the
     * transfer neither completes nor overruns with it, and has not stalled. This is the
     * receive loop's shortcut for nearly every datagram of a large image, taken from the
     * receive buffer without a copy or a message of its own; anything else returns
     * {@code false} and takes the ordinary way, {@link #accept}. {@code chunk}'s position
     * is left as it was.
     * @return whether the chunk was appended
     */
    public synchronized boolean appendChunk(K sender, ByteBuffer chunk, long nowNanos) {
        Transfer transfer = this.pending.get(sender);
        int length = chunk.remaining();
        if (transfer == null || nowNanos - transfer.lastNanos > this.stallTimeoutNanos
                || length >= transfer.remaining()) {
            return false;
        }
        int growth = transfer.growthFor(length);
        if (growth > 0) {
            makeRoom(growth, sender);
            this.inFlightBytes += growth;
        }
        transfer.append(chunk, nowNanos);
        return true;
    }

    /**
     * Takes one datagram from {@code sender}.
     * @return the completed image, or {@code null} while a transfer is still incomplete
     * (or the datagram was ignored)
     * @throws Rejection for a header out of range or a chunk overrunning its transfer
     */
    public synchronized Assembled accept(K sender, byte[] datagram, long nowNanos) {
        Transfer transfer = this.pending.get(sender);
        if (transfer != null && nowNanos - transfer.lastNanos > this.stallTimeoutNanos) {
            drop(sender, Rejection.Reason.STALLED);
            transfer = null;
        }
        if (transfer == null) {
            return startOrWhole(sender, datagram, nowNanos);
        }
        if (datagram.length > transfer.remaining()) {
            remove(sender);
            throw new Rejection(Rejection.Reason.OVERRUN, "datagram overruns its transfer",
                    "datagram of " + datagram.length + " bytes overruns " + transfer.remaining()
                            + " bytes still expected of " + transfer.expected,
                    null);
        }
        int growth = transfer.growthFor(datagram.length);
        if (growth > 0) {
            makeRoom(growth, sender);
            this.inFlightBytes += growth;
        }
        transfer.append(datagram, nowNanos);
        if (transfer.received < transfer.expected) {
            return null;
        }
        byte[] image = transfer.image();
        remove(sender);
        return new Assembled(image, transfer.datagrams, Kind.CHUNKED, transfer.startedNanos, nowNanos);
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
            String claim = "header claims " + length + " bytes";
            throw new Rejection(Rejection.Reason.BAD_HEADER, claim, claim, null);
        }
        if (length > this.limits.maxImageBytes()) {
            throw new Rejection(Rejection.Reason.OVERSIZE, "header claims more than the maximum",
                    "header claims " + length + " bytes, more than the maximum " + this.limits.maxImageBytes(), null);
        }
        while (this.pending.size() >= this.limits.maxPending()) {
            drop(this.pending.keySet().iterator().next(), Rejection.Reason.EVICTED);
        }
        // no memory yet: blocks come with the chunks
        Transfer transfer = new Transfer((int) length, nowNanos, this.blocks);
        this.pending.put(sender, transfer);
        return null;
    }

    /**
     * Evicts the oldest other transfers until {@code bytes} more fit under the in-flight
     * limit.
     */
    private void makeRoom(long bytes, K keep) {
        if (this.inFlightBytes + bytes <= this.limits.maxInFlightBytes()) {
            return;
        }
        Iterator<K> oldest = new ArrayList<>(this.pending.keySet()).iterator();
        while (this.inFlightBytes + bytes > this.limits.maxInFlightBytes() && oldest.hasNext()) {
            K sender = oldest.next();
            if (!sender.equals(keep)) {
                drop(sender, Rejection.Reason.EVICTED);
            }
        }
    }

    /**
     * Discards every transfer silent for longer than the stall timeout; returns how many.
     */
    public synchronized int expireStalled(long nowNanos) {
        List<K> stalled = new ArrayList<>();
        this.pending.forEach((sender, transfer) -> {
            if (nowNanos - transfer.lastNanos > this.stallTimeoutNanos) {
                stalled.add(sender);
            }
        });
        stalled.forEach(sender -> drop(sender, Rejection.Reason.STALLED));
        return stalled.size();
    }

    private void drop(K sender, Rejection.Reason reason) {
        Transfer transfer = remove(sender);
        this.dropListener
            .dropped(new Dropped<>(sender, reason, transfer.expected, transfer.received, transfer.datagrams));
    }

    private Transfer remove(K sender) {
        Transfer transfer = this.pending.remove(sender);
        this.inFlightBytes -= transfer.buffer.allocated();
        transfer.buffer.release();
        return transfer;
    }

    /**
     * Whether the sender has a legacy transfer in progress (its next datagram is a chunk,
     * whatever it holds).
     */
    public synchronized boolean isPending(K sender) {
        return this.pending.containsKey(sender);
    }

    public synchronized int pendingTransfers() {
        return this.pending.size();
    }

    /** Bytes of finished transfers' blocks kept for the next ones. */
    public synchronized long pooledBytes() {
        return this.blocks.freeBytes();
    }

    /** Bytes held by pending transfers (their buffers' capacity). */
    public synchronized long inFlightBytes() {
        return this.inFlightBytes;
    }

    private static final class Transfer {

        private final int expected;

        private final long startedNanos;

        private long lastNanos;

        private final BlockBuffer buffer;

        private int received;

        private int datagrams = 1; // the header

        Transfer(int expected, long nowNanos, BlockPool blocks) {
            this.expected = expected;
            this.startedNanos = nowNanos;
            this.lastNanos = nowNanos;
            this.buffer = new BlockBuffer(expected, blocks);
        }

        int remaining() {
            return this.expected - this.received;
        }

        /**
         * How many bytes of blocks must be allocated to take a chunk of this length (0 if
         * it fits).
         */
        int growthFor(int chunkLength) {
            return this.buffer.growthFor(this.received, chunkLength);
        }

        void append(byte[] chunk, long nowNanos) {
            append(ByteBuffer.wrap(chunk), nowNanos);
        }

        void append(ByteBuffer chunk, long nowNanos) {
            int length = chunk.remaining();
            this.buffer.write(this.received, chunk);
            this.received += length;
            this.datagrams++;
            this.lastNanos = nowNanos;
        }

        byte[] image() {
            return this.buffer.join();
        }

    }

}
