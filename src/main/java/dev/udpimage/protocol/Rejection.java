package dev.udpimage.protocol;

import java.util.Locale;

/**
 * Why a datagram or a transfer was refused. Thrown by the protocol and decoding steps;
 * the receive flow turns it into a counted drop, a log line with the whole detail
 * ({@link #getMessage()}), and an {@code error: <reason>} reply with the short reason
 * ({@link #wireReason()}): one of a fixed set, at most {@value #MAX_WIRE_REASON}
 * characters, so that a reply never carries what the sender sent and stays small.
 */
public class Rejection extends RuntimeException {

    public enum Reason {

        /** A header claiming a length of zero or less. */
        BAD_HEADER,
        /** A header claiming more than the configured maximum image size. */
        OVERSIZE,
        /** A datagram longer than the bytes still expected by the sender's transfer. */
        OVERRUN,
        /** No datagram from the sender within the stall timeout. */
        STALLED,
        /**
         * Dropped to keep the number of pending transfers or their memory within limits,
         * oldest first.
         */
        EVICTED,
        /** The bytes arrived but are not an image ImageIO can decode. */
        UNDECODABLE,
        /**
         * An image whose header claims more pixels than the configured maximum (a pixel
         * bomb).
         */
        TOO_MANY_PIXELS,
        /**
         * A datagram from an address outside {@code udp.allowed-senders}: dropped
         * unanswered.
         */
        SENDER_NOT_ALLOWED,
        /** A list-port datagram that is not valid UTF-8 JSON. */
        INVALID_JSON,
        /** The store's workers are all busy: nothing was stored (cluster store). */
        STORE_BUSY,
        /** The store could not keep the item: nothing was stored. */
        STORE_UNAVAILABLE;

        /** The metric tag, e.g. {@code invalid-json}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

    }

    /** Longest reason sent on the wire. */
    public static final int MAX_WIRE_REASON = 48;

    private final Reason reason;

    private final String wireReason;

    /** A rejection whose reply says just what the reason is, e.g. {@code overrun}. */
    public Rejection(Reason reason, String detail) {
        this(reason, reason.tag().replace('-', ' '), detail, null);
    }

    /**
     * @param wireReason the short reason for the reply, from a fixed set (never text the
     * sender sent)
     * @param detail everything known, for the log
     */
    public Rejection(Reason reason, String wireReason, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.reason = reason;
        this.wireReason = wireReason.length() <= MAX_WIRE_REASON ? wireReason
                : wireReason.substring(0, MAX_WIRE_REASON);
    }

    public Reason reason() {
        return this.reason;
    }

    /** What the {@code error: <reason>} reply says. */
    public String wireReason() {
        return this.wireReason;
    }

}
