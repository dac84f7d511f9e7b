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
import dev.udpimage.protocol.reliable.ReliableSender.DeadlinePassed;
import dev.udpimage.protocol.reliable.ReliableSender.TransferFailed;

/**
 * One image on its way ({@link ReliableSender#send}): the window, the ACKs and gaps, the
 * timer's expiries and the deadline, over the sender's {@link ReliableSender.Link}. Used
 * once, by one thread.
 */
final class OutgoingTransfer {

    private final byte[] image;

    private final ReliableSender.Link link;

    private final ReliableSender.Options options;

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

    private final RetransmissionTimer timer;

    private long lastProgress;

    OutgoingTransfer(byte[] image, ReliableSender.Link link, ReliableSender.Options options) {
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
        this.timer = new RetransmissionTimer(options.initialRto());
    }

    ReliableSender.Result run() throws IOException {
        handshake();
        this.lastProgress = System.nanoTime();
        while (this.cumulative < this.chunks) {
            while (this.next < this.chunks && this.next < this.cumulative + this.options.window()) {
                sendChunk(this.next++);
            }
            long now = System.nanoTime();
            long wait = Math.max(1,
                    Math.min(this.lastProgress + this.timer.rto(), now + this.timer.gapInterval()) - now);
            ReliableCodec.Message reply = receive(wait);
            if (reply instanceof Ack ack) {
                onAck(ack);
            }
            else if (reply instanceof Done done) {
                return finish(done);
            }
            else if (System.nanoTime() - this.lastProgress >= this.timer.rto()) {
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
        long poke = this.timer.gapInterval();
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
                poke = Math.min(this.timer.rto(), 2 * poke);
            }
            checkDeadline();
        }
    }

    /**
     * Tail loss probe: once every chunk has been sent, a lost tail shows in no ACK (there
     * is nothing after it to reveal the gap). So the highest unacknowledged chunk is
     * resent when it has been out for the gap interval; the receiver answers it with an
     * ACK that shows what else is missing. Without this, a lost tail waited for the
     * retransmission timer (at least 50 ms).
     */
    private void probeTail() throws IOException {
        if (this.next < this.chunks) {
            return;
        }
        int last = this.chunks - 1;
        while (last >= this.cumulative && this.acked.get(last)) {
            last--;
        }
        if (last >= this.cumulative && System.nanoTime() - this.sentAt[last] > this.timer.gapInterval()) {
            sendChunk(last);
        }
    }

    private void handshake() throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(this.image, 0, this.image.length);
        byte[] start = ReliableCodec
            .encode(new Start(this.id, this.image.length, this.options.chunkSize(), this.chunks, (int) crc.getValue()));
        while (true) {
            long sent = System.nanoTime();
            this.link.send(start);
            this.datagrams++;
            ReliableCodec.Message reply = receive(this.timer.rto());
            if (reply instanceof Ack ack) {
                checkAck(ack);
                this.timer.sample(System.nanoTime() - sent);
                return;
            }
            if (reply == null) {
                backOff();
            }
            checkDeadline();
        }
    }

    /**
     * The next datagram of this transfer; others (and corrupt ones) are skipped. ABORT
     * ends the transfer.
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
     * An ACK that acknowledges what was never sent (a cumulative field below zero or past
     * the chunks sent, a bitmap bit for an unsent chunk) is a broken or hostile receiver:
     * the transfer fails rather than believe it.
     */
    private void checkAck(Ack ack) throws TransferFailed {
        int cumulative = ack.cumulative();
        if (cumulative < 0 || cumulative > this.next) {
            throw new TransferFailed("the receiver sent an invalid ACK (cumulative " + cumulative + ", but " + this.next
                    + " of " + this.chunks + " chunks were sent)");
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
            this.timer.sample(now - this.sentAt[newest]);
        }
        if (this.cumulative > before || newest >= 0) {
            this.lastProgress = now;
            // progress ends a backoff, even without a fresh sample (Karn)
            this.timer.progress();
        }
        resendKnownGaps();
    }

    /**
     * NAK: the chunks below the highest one acknowledged that are still missing are known
     * lost; each is resent without waiting for the timer: at once when it was sent once
     * and {@link ReliableSender#REORDER_WINDOW} later chunks overtook it, else once it
     * has been out longer than the gap interval.
     */
    private void resendKnownGaps() throws IOException {
        long now = System.nanoTime();
        long interval = this.timer.gapInterval();
        int lastAcked = this.acked.length() - 1;
        for (int seq = this.cumulative; seq < lastAcked; seq++) {
            if (this.acked.get(seq) || this.sentAt[seq] == 0) {
                continue;
            }
            // sent once and passed by REORDER_WINDOW acknowledged chunks: lost, not
            // late (RACK's reasoning)
            boolean passed = this.sends[seq] == 1 && lastAcked - seq >= ReliableSender.REORDER_WINDOW;
            if (passed || now - this.sentAt[seq] > interval) {
                sendChunk(seq);
            }
        }
    }

    /**
     * The timer fired: no ACK brought progress for one RTO, so whatever is unacknowledged
     * and was sent at least an RTO ago is presumed lost (a lost tail gets no ACK that
     * would show its gaps) and sent again.
     */
    private void resendUnacknowledged() throws IOException {
        long now = System.nanoTime();
        for (int seq = this.cumulative; seq < this.next; seq++) {
            if (!this.acked.get(seq) && now - this.sentAt[seq] >= this.timer.rto()) {
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

    private void backOff() {
        this.timer.backOff();
        this.lastProgress = System.nanoTime();
    }

    private void checkDeadline() throws IOException {
        if (System.nanoTime() > this.deadline) {
            this.link.send(ReliableCodec.encode(new Abort(this.id, Abort.DEADLINE)));
            throw new DeadlinePassed("not finished within " + this.options.deadline().toMillis() + " ms ("
                    + this.cumulative + " of " + this.chunks + " chunks acknowledged)");
        }
    }

    private ReliableSender.Result finish(Done done) throws TransferFailed {
        if (done.status() != Done.STORED) {
            throw new TransferFailed("the receiver refused the image (status " + done.status() + ")");
        }
        return new ReliableSender.Result(this.image.length, this.datagrams, this.retransmissions,
                Duration.ofNanos(System.nanoTime() - this.started), this.timer.smoothedRtt());
    }

}
