package dev.udpimage.protocol.reliable;

import java.io.IOException;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

import dev.udpimage.protocol.reliable.ReliableCodec.Abort;
import dev.udpimage.protocol.reliable.ReliableCodec.Ack;
import dev.udpimage.protocol.reliable.ReliableCodec.Data;
import dev.udpimage.protocol.reliable.ReliableCodec.Done;
import dev.udpimage.protocol.reliable.ReliableCodec.Start;

/**
 * The sending end of reliable mode (docs/reliable-protocol.md, section 4): a window of
 * chunks in flight, gaps in ACK bitmaps resent at once, an RFC 6298 retransmission timer
 * with exponential backoff, and a deadline. Pure Java over a {@link Link}: a connected
 * datagram socket in the service, a lossy in-memory link in tests.
 */
public final class ReliableSender {

    /** One datagram path to the receiver, and back. */
    public interface Link {

        void send(byte[] datagram) throws IOException;

        /**
         * The next datagram from the receiver, or {@code null} when none came within the
         * timeout.
         */
        byte[] receive(Duration timeout) throws IOException;

    }

    /**
     * @param chunkSize bytes of image per DATA datagram
     * @param window most chunks sent and not yet acknowledged
     * @param deadline the whole transfer's; then ABORT and {@link DeadlinePassed}
     * @param initialRto how long the START waits for its ACK before it is sent again
     * (doubling each time); the data's timer then comes from the measured round trips. A
     * sender that talked to the same receiver before passes what it learnt
     * ({@link Result#suggestedInitialRto()}); at least 5 ms
     */
    public record Options(int chunkSize, int window, Duration deadline, Duration initialRto) {

        /** Bytes in flight: 2 MB, well within the receiver's socket buffer. */
        public static final int WINDOW_BYTES = 2 << 20;

        /** 256 chunks of 8 KB in flight. */
        public static final Options DEFAULT = forChunkSize(8192, Duration.ofSeconds(30));

        /**
         * The default window ({@value #WINDOW_BYTES} bytes) in chunks of
         * {@code chunkSize}.
         */
        public static Options forChunkSize(int chunkSize, Duration deadline) {
            return new Options(chunkSize, Math.max(4, WINDOW_BYTES / Math.max(1, chunkSize)), deadline, INITIAL_RTO);
        }

        public Options(int chunkSize, int window, Duration deadline) {
            this(chunkSize, window, deadline, INITIAL_RTO);
        }

        public Options withInitialRto(Duration rto) {
            return new Options(this.chunkSize, this.window, this.deadline, rto);
        }

        public Options {
            if (chunkSize < 1 || chunkSize > ReliableCodec.MAX_CHUNK) {
                throw new IllegalArgumentException("chunk size must be in 1.." + ReliableCodec.MAX_CHUNK);
            }
            if (window < 1) {
                throw new IllegalArgumentException("window must be at least 1");
            }
        }
    }

    /**
     * What a finished transfer took.
     *
     * @param smoothedRtt the round trip time measured (RFC 6298 SRTT)
     */
    public record Result(int bytes, int datagrams, int retransmissions, Duration elapsed, Duration smoothedRtt) {

        public double megabytesPerSecond() {
            return this.bytes / 1e6 / Math.max(1e-9, this.elapsed.toNanos() / 1e9);
        }

        /**
         * How long the next transfer to the same receiver should wait for the answer to
         * its START before sending it again: four measured round trips, at least 5 ms,
         * instead of the 100 ms a first contact waits.
         */
        public Duration suggestedInitialRto() {
            return Duration.ofNanos(Math.max(MIN_GAP_INTERVAL, 4 * this.smoothedRtt.toNanos()));
        }
    }

    /** The transfer failed: refused, aborted, or not finished by the deadline. */
    public static class TransferFailed extends IOException {

        public TransferFailed(String message) {
            super(message);
        }

    }

    /** The deadline passed before the receiver confirmed the image. */
    public static class DeadlinePassed extends TransferFailed {

        public DeadlinePassed(String message) {
            super(message);
        }

    }

    /** RFC 6298 says 1 s; for the LAN and loopback peers of this service, 100 ms. */
    static final Duration INITIAL_RTO = Duration.ofMillis(100);

    private static final long MIN_RTO = Duration.ofMillis(50).toNanos();

    private static final long MAX_RTO = Duration.ofMillis(500).toNanos();

    private static final long MIN_GAP_INTERVAL = Duration.ofMillis(2).toNanos();

    /**
     * A chunk that this many later chunks overtook is taken as lost at once; fewer may be
     * a reordering.
     */
    static final int REORDER_WINDOW = 3;

    public Result send(byte[] image, Link link, Options options) throws IOException {
        return new Transfer(image, link, options).run();
    }

    private static final class Transfer {

        private final byte[] image;

        private final Link link;

        private final Options options;

        private final int id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);

        private final int chunks;

        private final long started = System.nanoTime();

        private final long deadline;

        private final long[] sentAt;

        private final byte[] sends;

        private final BitSet acked = new BitSet();

        private int cumulative;

        private int next;

        private int datagrams;

        private int retransmissions;

        private double srtt = -1;

        private double rttvar;

        private long rto;

        private long lastProgress;

        Transfer(byte[] image, Link link, Options options) {
            if (image.length == 0) {
                throw new IllegalArgumentException("image is empty");
            }
            this.image = image;
            this.link = link;
            this.options = options;
            this.chunks = (image.length + options.chunkSize() - 1) / options.chunkSize();
            this.deadline = this.started + options.deadline().toNanos();
            this.sentAt = new long[this.chunks];
            this.sends = new byte[this.chunks];
            this.rto = Math.min(MAX_RTO, Math.max(MIN_GAP_INTERVAL, options.initialRto().toNanos()));
        }

        Result run() throws IOException {
            handshake();
            this.lastProgress = System.nanoTime();
            while (this.cumulative < this.chunks) {
                while (this.next < this.chunks && this.next < this.cumulative + this.options.window()) {
                    sendChunk(this.next++);
                }
                long now = System.nanoTime();
                long wait = Math.max(1, Math.min(this.lastProgress + this.rto, now + gapInterval()) - now);
                ReliableCodec.Message reply = receive(wait);
                if (reply instanceof Ack ack) {
                    onAck(ack);
                }
                else if (reply instanceof Done done) {
                    return finish(done);
                }
                else if (System.nanoTime() - this.lastProgress >= this.rto) {
                    resendUnacknowledged();
                    backOff();
                }
                else {
                    // a resent gap may be lost too, and no new ACK may come to say so
                    resendKnownGaps();
                    probeTail();
                }
                checkDeadline();
            }
            long poke = gapInterval();
            // everything acknowledged: wait for DONE, poking with the last chunk
            while (true) {
                ReliableCodec.Message reply = receive(poke);
                if (reply instanceof Done done) {
                    return finish(done);
                }
                // DONE lost, or the receiver still storing: a duplicate makes it repeat
                // DONE
                if (reply == null) {
                    sendChunk(this.chunks - 1);
                    poke = Math.min(this.rto, 2 * poke);
                }
                checkDeadline();
            }
        }

        /**
         * Tail loss probe: once every chunk has been sent, a lost tail shows in no ACK
         * (there is nothing after it to reveal the gap). So the highest unacknowledged
         * chunk is resent when it has been out for {@link #gapInterval()}; the receiver
         * answers it with an ACK that shows what else is missing. Without this, a lost
         * tail waited for the retransmission timer (at least 50 ms).
         */
        private void probeTail() throws IOException {
            if (this.next < this.chunks) {
                return;
            }
            int last = this.chunks - 1;
            while (last >= this.cumulative && this.acked.get(last)) {
                last--;
            }
            if (last >= this.cumulative && System.nanoTime() - this.sentAt[last] > gapInterval()) {
                sendChunk(last);
            }
        }

        private void handshake() throws IOException {
            CRC32C crc = new CRC32C();
            crc.update(this.image, 0, this.image.length);
            byte[] start = ReliableCodec.encode(
                    new Start(this.id, this.image.length, this.options.chunkSize(), this.chunks, (int) crc.getValue()));
            while (true) {
                long sent = System.nanoTime();
                this.link.send(start);
                this.datagrams++;
                ReliableCodec.Message reply = receive(this.rto);
                if (reply instanceof Ack ack) {
                    checkAck(ack);
                    sample(System.nanoTime() - sent);
                    return;
                }
                if (reply == null) {
                    backOff();
                }
                checkDeadline();
            }
        }

        /**
         * The next datagram of this transfer; others (and corrupt ones) are skipped.
         * ABORT ends the transfer.
         */
        private ReliableCodec.Message receive(long timeoutNanos) throws IOException {
            long until = System.nanoTime() + timeoutNanos;
            while (true) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                byte[] datagram = this.link.receive(Duration.ofNanos(left));
                if (datagram == null) {
                    return null;
                }
                ReliableCodec.Message message = ReliableCodec.decode(datagram);
                if (message == null || message.transferId() != this.id) {
                    continue;
                }
                if (message instanceof Abort abort) {
                    throw new TransferFailed("the receiver aborted the transfer (reason " + abort.reason() + ")");
                }
                return message;
            }
        }

        /**
         * An ACK that acknowledges what was never sent (a cumulative field below zero or
         * past the chunks sent, a bitmap bit for an unsent chunk) is a broken or hostile
         * receiver: the transfer fails rather than believe it.
         */
        private void checkAck(Ack ack) throws TransferFailed {
            int cumulative = ack.cumulative();
            if (cumulative < 0 || cumulative > this.next) {
                throw new TransferFailed("the receiver sent an invalid ACK (cumulative " + cumulative + ", but "
                        + this.next + " of " + this.chunks + " chunks were sent)");
            }
            int highest = Math.min(cumulative + ack.bitmap().length * 8, this.chunks - 1);
            for (int seq = Math.max(this.next, cumulative + 1); seq <= highest; seq++) {
                if (ack.has(seq)) {
                    throw new TransferFailed("the receiver sent an invalid ACK (chunk " + seq + " acknowledged, but "
                            + this.next + " of " + this.chunks + " chunks were sent)");
                }
            }
        }

        private void onAck(Ack ack) throws IOException {
            checkAck(ack);
            long now = System.nanoTime();
            int before = this.cumulative;
            // the highest chunk this ACK newly acknowledges that was sent exactly once
            int newest = -1;
            for (int seq = before; seq < Math.min(ack.cumulative(), this.chunks); seq++) {
                newest = markAcked(seq, newest);
            }
            int highest = ack.cumulative() + ack.bitmap().length * 8;
            for (int seq = ack.cumulative() + 1; seq <= highest && seq < this.chunks; seq++) {
                if (ack.has(seq)) {
                    newest = markAcked(seq, newest);
                }
            }
            while (this.acked.get(this.cumulative)) {
                this.cumulative++;
            }
            if (newest >= 0) {
                sample(now - this.sentAt[newest]);
            }
            if (this.cumulative > before || newest >= 0) {
                this.lastProgress = now;
                // progress ends a backoff, even without a fresh sample (Karn)
                this.rto = rtoFromEstimate();
            }
            resendKnownGaps();
        }

        /**
         * NAK: the chunks below the highest one acknowledged that are still missing are
         * known lost; each is resent without waiting for the timer: at once when it was
         * sent once and {@link #REORDER_WINDOW} later chunks overtook it, else once it
         * has been out longer than {@link #gapInterval()}.
         */
        private void resendKnownGaps() throws IOException {
            long now = System.nanoTime();
            long interval = gapInterval();
            int lastAcked = this.acked.length() - 1;
            for (int seq = this.cumulative; seq < lastAcked; seq++) {
                if (this.acked.get(seq) || this.sentAt[seq] == 0) {
                    continue;
                }
                // sent once and passed by REORDER_WINDOW acknowledged chunks: lost, not
                // late (RACK's reasoning)
                boolean passed = this.sends[seq] == 1 && lastAcked - seq >= REORDER_WINDOW;
                if (passed || now - this.sentAt[seq] > interval) {
                    sendChunk(seq);
                }
            }
        }

        /**
         * Twice the smoothed round trip, at least 2 ms: how long a resent gap may take to
         * be acknowledged.
         */
        private long gapInterval() {
            return Math.max(MIN_GAP_INTERVAL, (long) (2 * Math.max(this.srtt, 0)));
        }

        /**
         * The timer fired: no ACK brought progress for one RTO, so whatever is
         * unacknowledged and was sent at least an RTO ago is presumed lost (a lost tail
         * gets no ACK that would show its gaps) and sent again.
         */
        private void resendUnacknowledged() throws IOException {
            long now = System.nanoTime();
            for (int seq = this.cumulative; seq < this.next; seq++) {
                if (!this.acked.get(seq) && now - this.sentAt[seq] >= this.rto) {
                    sendChunk(seq);
                }
            }
        }

        private int markAcked(int seq, int newest) {
            if (!this.acked.get(seq)) {
                this.acked.set(seq);
                if (this.sends[seq] == 1) {
                    return Math.max(newest, seq);
                }
            }
            return newest;
        }

        private void sendChunk(int seq) throws IOException {
            int offset = seq * this.options.chunkSize();
            int length = Math.min(this.options.chunkSize(), this.image.length - offset);
            this.link.send(ReliableCodec.encode(new Data(this.id, seq, this.image, offset, length)));
            this.datagrams++;
            if (this.sends[seq] > 0) {
                this.retransmissions++;
            }
            this.sends[seq] = (byte) Math.min(2, this.sends[seq] + 1);
            this.sentAt[seq] = System.nanoTime();
        }

        /** RFC 6298: SRTT, RTTVAR, RTO = SRTT + 4 RTTVAR, clamped. */
        private void sample(long rtt) {
            if (this.srtt < 0) {
                this.srtt = rtt;
                this.rttvar = rtt / 2.0;
            }
            else {
                this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
                this.srtt = 0.875 * this.srtt + 0.125 * rtt;
            }
            this.rto = rtoFromEstimate();
        }

        private long rtoFromEstimate() {
            return this.srtt < 0 ? this.rto
                    : Math.min(MAX_RTO, Math.max(MIN_RTO, (long) (this.srtt + 4 * this.rttvar)));
        }

        private void backOff() {
            this.rto = Math.min(MAX_RTO, this.rto * 2);
            this.lastProgress = System.nanoTime();
        }

        private void checkDeadline() throws IOException {
            if (System.nanoTime() > this.deadline) {
                this.link.send(ReliableCodec.encode(new Abort(this.id, Abort.DEADLINE)));
                throw new DeadlinePassed("not finished within " + this.options.deadline().toMillis() + " ms ("
                        + this.cumulative + " of " + this.chunks + " chunks acknowledged)");
            }
        }

        private Result finish(Done done) throws TransferFailed {
            if (done.status() != Done.STORED) {
                throw new TransferFailed("the receiver refused the image (status " + done.status() + ")");
            }
            return new Result(this.image.length, this.datagrams, this.retransmissions,
                    Duration.ofNanos(System.nanoTime() - this.started),
                    Duration.ofNanos((long) Math.max(0, this.srtt)));
        }

    }

}
