package dev.udpimage.protocol.reliable;

import java.io.IOException;
import java.time.Duration;

/**
 * The sending end of reliable mode (docs/reliable-protocol.md, section 4): a window of
 * chunks in flight, gaps in ACK bitmaps resent at once, a {@link RetransmissionTimer}
 * (RFC 6298, exponential backoff), and a deadline. Pure Java over a {@link Link}: a
 * connected datagram socket in the service, a lossy in-memory link in tests.
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
            return new Options(chunkSize, Math.max(4, WINDOW_BYTES / Math.max(1, chunkSize)), deadline,
                    RetransmissionTimer.INITIAL_RTO);
        }

        public Options(int chunkSize, int window, Duration deadline) {
            this(chunkSize, window, deadline, RetransmissionTimer.INITIAL_RTO);
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
            return Duration.ofNanos(Math.max(RetransmissionTimer.MIN_GAP_INTERVAL, 4 * this.smoothedRtt.toNanos()));
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

    /**
     * A chunk that this many later chunks overtook is taken as lost at once; fewer may be
     * a reordering.
     */
    static final int REORDER_WINDOW = 3;

    public Result send(byte[] image, Link link, Options options) throws IOException {
        return new OutgoingTransfer(image, link, options).run();
    }

}
