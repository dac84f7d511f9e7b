package dev.udpimage.protocol.reliable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Checksum;

import dev.udpimage.protocol.BlockBuffer;
import dev.udpimage.protocol.reliable.ReliableCodec.Abort;
import dev.udpimage.protocol.reliable.ReliableCodec.Ack;
import dev.udpimage.protocol.reliable.ReliableCodec.Data;
import dev.udpimage.protocol.reliable.ReliableCodec.Done;
import dev.udpimage.protocol.reliable.ReliableCodec.Start;

/**
 * The receiving end of reliable mode (docs/reliable-protocol.md, section 3), one session
 * per (sender, transfer id). Pure Java; time is passed in. Thread-safe.
 *
 * <p>
 * {@link #accept} answers each datagram with the datagrams to send back to its sender
 * and, when the last chunk arrived and the image CRC32C matched, the completed image; the
 * caller stores it and then calls {@link #done} for the {@code DONE} reply. A completed
 * session lingers, answering duplicates with the same {@code DONE}. A session silent for
 * four times the stall timeout is dropped (a lingering one after eight).
 */
public final class ReliableReceiver<K> {

    /**
     * Send an ACK after this many bytes of new chunks (32 chunks of 8 KB; fewer, larger
     * chunks are acknowledged as often by the byte), even without a gap: an eighth of the
     * sender's default window, so the window keeps sliding instead of emptying before
     * each ACK.
     */
    static final int ACK_EVERY_BYTES = 256 * 1024;

    public record Completed(int transferId, byte[] image, int datagrams, long startedNanos, long completedNanos) {
    }

    public record Outcome(List<byte[]> replies, Completed completed) {

        static final Outcome NOTHING = new Outcome(List.of(), null);

        static Outcome reply(byte[] datagram) {
            return new Outcome(List.of(datagram), null);
        }
    }

    private record Key<K>(K sender, int transferId) {
    }

    private enum State {

        RECEIVING, COMPLETED, LINGERING

    }

    private static final class Session {

        final Start start;

        /** The version the sender speaks, and this session answers in. */
        final int version;

        final long startedNanos;

        final BitSet received = new BitSet();

        BlockBuffer buffer;

        int count;

        int cumulative;

        int sinceAck;

        final int ackEvery;

        int datagrams = 1;

        long lastNanos;

        State state = State.RECEIVING;

        byte[] done;

        Session(Start start, int version, long nowNanos) {
            this.start = start;
            this.version = version;
            this.startedNanos = nowNanos;
            this.lastNanos = nowNanos;
            this.buffer = new BlockBuffer((int) start.totalLength());
            this.ackEvery = Math.max(1, ACK_EVERY_BYTES / start.chunkSize());
        }

        int expectedLength(int sequence) {
            return sequence < this.start.chunkCount() - 1 ? this.start.chunkSize()
                    : (int) (this.start.totalLength() - (long) sequence * this.start.chunkSize());
        }

    }

    private final long maxImageBytes;

    private final long stallNanos;

    private final int maxPending;

    private final long maxInFlightBytes;

    private long inFlightBytes;

    private final Map<Key<K>, Session> sessions = new LinkedHashMap<>();

    private long corruptDatagrams;

    private long evicted;

    public ReliableReceiver(long maxImageBytes, Duration stallTimeout, int maxPending, long maxInFlightBytes) {
        this.maxImageBytes = maxImageBytes;
        // a reliable sender retransmits on its own timer (at most 500 ms apart, more
        // under heavy loss), so
        // its sessions get four times the legacy stall timeout before they count as
        // abandoned
        this.stallNanos = 4 * stallTimeout.toNanos();
        this.maxPending = maxPending;
        this.maxInFlightBytes = maxInFlightBytes;
    }

    public synchronized Outcome accept(K sender, byte[] datagram, long nowNanos) {
        ReliableCodec.Message message = ReliableCodec.decode(datagram);
        if (message == null) {
            this.corruptDatagrams++;
            return Outcome.NOTHING;
        }
        int version = ReliableCodec.version(datagram);
        Key<K> key = new Key<>(sender, message.transferId());
        Session session = this.sessions.get(key);
        if (session != null) {
            session.lastNanos = nowNanos;
            session.datagrams++;
            if (session.state != State.RECEIVING) {
                return session.done != null ? Outcome.reply(session.done) : Outcome.NOTHING;
            }
        }
        if (message instanceof Start start) {
            return session != null ? Outcome.reply(ack(key.transferId(), session))
                    : begin(key, start, version, nowNanos);
        }
        if (message instanceof Data data) {
            if (session == null) { // unknown, evicted or expired: tell the sender to stop
                return Outcome.reply(ReliableCodec.encode(new Abort(key.transferId(), Abort.STALLED), version));
            }
            return receive(key, session, data, nowNanos);
        }
        if (message instanceof Abort && session != null) {
            this.inFlightBytes -= this.sessions.remove(key).buffer.allocated();
        }
        return Outcome.NOTHING;
    }

    private Outcome begin(Key<K> key, Start start, int version, long nowNanos) {
        long chunks = start.chunkSize() == 0 ? -1 : (start.totalLength() + start.chunkSize() - 1) / start.chunkSize();
        if (start.totalLength() <= 0 || start.totalLength() > this.maxImageBytes || start.chunkSize() < 1
                || start.chunkSize() > ReliableCodec.MAX_CHUNK || chunks != start.chunkCount()) {
            return Outcome.reply(ReliableCodec.encode(new Abort(key.transferId(), Abort.TOO_LARGE), version));
        }
        // evict the oldest; its next datagram gets an ABORT
        while (this.sessions.size() >= this.maxPending) {
            evictOldest(null);
        }
        // no memory yet: blocks come with the chunks
        Session session = new Session(start, version, nowNanos);
        this.sessions.put(key, session);
        return Outcome.reply(ack(key.transferId(), session));
    }

    private Outcome receive(Key<K> key, Session session, Data data, long nowNanos) {
        int sequence = data.sequence();
        if (sequence < 0 || sequence >= session.start.chunkCount()
                || data.length() != session.expectedLength(sequence)) {
            this.inFlightBytes -= this.sessions.remove(key).buffer.allocated();
            return Outcome.reply(ReliableCodec.encode(new Abort(key.transferId(), Abort.TOO_LARGE), session.version));
        }
        // duplicate: the sender may have missed an ACK
        if (session.received.get(sequence)) {
            return Outcome.reply(ack(key.transferId(), session));
        }
        // < totalLength, an int (checked in begin)
        int offset = sequence * session.start.chunkSize();
        int growth = session.buffer.growthFor(offset, data.length());
        if (growth > 0) {
            makeRoom(growth, session);
            this.inFlightBytes += growth;
        }
        session.buffer.write(offset, data.bytes(), data.offset(), data.length());
        int highestBefore = session.received.length() - 1;
        session.received.set(sequence);
        session.count++;
        while (session.received.get(session.cumulative)) {
            session.cumulative++;
        }
        if (session.count == session.start.chunkCount()) {
            return complete(key, session, nowNanos);
        }
        // at once when the sender has something to learn: a new hole (chunks skipped, so
        // probably lost), a hole
        // filled (a resend arrived: stop resending it), or the last chunk (the tail is
        // done); otherwise every
        // ACK_EVERY_BYTES. Not for every chunk while a hole is open: that was an ACK per
        // datagram under loss.
        boolean newHole = sequence > highestBefore + 1;
        boolean filled = sequence < highestBefore;
        if (newHole || filled || sequence == session.start.chunkCount() - 1 || ++session.sinceAck >= session.ackEvery) {
            return Outcome.reply(ack(key.transferId(), session));
        }
        return Outcome.NOTHING;
    }

    private Outcome complete(Key<K> key, Session session, long nowNanos) {
        byte[] image = session.buffer.join();
        Checksum crc = ReliableCodec.checksum(session.version);
        crc.update(image, 0, image.length);
        if ((int) crc.getValue() != session.start.imageCrc()) {
            return Outcome.reply(done(key.sender(), key.transferId(), Done.CRC_MISMATCH, nowNanos));
        }
        session.state = State.COMPLETED;
        return new Outcome(List.of(),
                new Completed(key.transferId(), image, session.datagrams, session.startedNanos, nowNanos));
    }

    /**
     * Evicts the oldest sessions (never {@code keep}) until {@code bytes} more fit under
     * the in-flight limit.
     */
    private void makeRoom(long bytes, Session keep) {
        while (this.inFlightBytes + bytes > this.maxInFlightBytes && evictOldest(keep)) {
            // evicted one
        }
    }

    private boolean evictOldest(Session keep) {
        for (Iterator<Map.Entry<Key<K>, Session>> it = this.sessions.entrySet().iterator(); it.hasNext();) {
            Session session = it.next().getValue();
            if (session != keep) {
                it.remove();
                this.inFlightBytes -= session.buffer.allocated();
                this.evicted++;
                return true;
            }
        }
        return false;
    }

    /**
     * The {@code DONE} reply for a completed transfer; the session lingers to repeat it
     * to duplicates.
     */
    public synchronized byte[] done(K sender, int transferId, int status, long nowNanos) {
        Session session = this.sessions.get(new Key<>(sender, transferId));
        byte[] done = ReliableCodec.encode(new Done(transferId, status),
                session != null ? session.version : ReliableCodec.VERSION);
        if (session != null) {
            session.state = State.LINGERING;
            session.done = done;
            this.inFlightBytes -= session.buffer.allocated();
            // the image is stored; keep only the answer
            session.buffer = new BlockBuffer(0);
            session.lastNanos = nowNanos;
        }
        return done;
    }

    /**
     * An ACK of everything received so far: cumulative, then a bitmap up to the highest
     * chunk received.
     */
    private static byte[] ack(int transferId, Session session) {
        session.sinceAck = 0;
        int highest = session.received.length() - 1; // -1 if none
        int bits = Math.min(Math.max(0, highest - session.cumulative), ReliableCodec.MAX_BITMAP * 8);
        byte[] bitmap = new byte[(bits + 7) / 8];
        for (int i = 0; i < bits; i++) {
            if (session.received.get(session.cumulative + 1 + i)) {
                bitmap[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
        }
        return ReliableCodec.encode(new Ack(transferId, session.cumulative, bitmap), session.version);
    }

    /**
     * Drops sessions silent for longer than the stall timeout (lingering ones after twice
     * that).
     * @return how many transfers were dropped before completing
     */
    public synchronized int expire(long nowNanos) {
        int stalled = 0;
        List<Key<K>> gone = new ArrayList<>();
        for (Map.Entry<Key<K>, Session> entry : this.sessions.entrySet()) {
            Session session = entry.getValue();
            long silent = nowNanos - session.lastNanos;
            if (session.state == State.LINGERING ? silent > 2 * this.stallNanos : silent > this.stallNanos) {
                gone.add(entry.getKey());
                stalled += session.state == State.RECEIVING ? 1 : 0;
            }
        }
        for (Key<K> key : gone) {
            this.inFlightBytes -= this.sessions.remove(key).buffer.allocated();
        }
        return stalled;
    }

    public synchronized int pendingTransfers() {
        return this.sessions.size();
    }

    public synchronized long inFlightBytes() {
        return this.inFlightBytes;
    }

    /** Sessions evicted to stay within the limits, since start. */
    public synchronized long evicted() {
        return this.evicted;
    }

    public synchronized long corruptDatagrams() {
        return this.corruptDatagrams;
    }

}
