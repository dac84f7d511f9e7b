package dev.udpimage.protocol;

import java.util.Locale;

/**
 * Why a datagram or a transfer was refused. Thrown by the protocol and decoding steps;
 * the receive flow turns it into an {@code error: <detail>} reply and a counted, logged
 * drop.
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
        /** A list-port datagram that is not valid UTF-8 JSON. */
        INVALID_JSON;

        /** The metric tag, e.g. {@code invalid-json}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

    }

    private final Reason reason;

    public Rejection(Reason reason, String detail) {
        this(reason, detail, null);
    }

    public Rejection(Reason reason, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return this.reason;
    }

}
