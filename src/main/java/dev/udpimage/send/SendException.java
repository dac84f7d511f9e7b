package dev.udpimage.send;

/**
 * Why {@link SendService} could not send, or got no good answer. The web layer maps each
 * kind to an HTTP status; {@link #title()} and the message say what happened in words for
 * a person.
 */
public abstract sealed class SendException extends RuntimeException {

    private final String title;

    SendException(String title, String message, Throwable cause) {
        super(message, cause);
        this.title = title;
    }

    public String title() {
        return this.title;
    }

    /**
     * The request cannot be sent as asked (bad host, size or chunk size for the mode).
     */
    public static final class Invalid extends SendException {

        Invalid(String message) {
            super("Bad request", message, null);
        }

    }

    /** The target's address is outside {@code udp.send.allowed-targets}. */
    public static final class TargetNotAllowed extends SendException {

        TargetNotAllowed(String message) {
            super("Target not allowed", message, null);
        }

    }

    /**
     * The peer did not answer in time (legacy: no reply; reliable: the deadline passed).
     */
    public static final class NoReply extends SendException {

        NoReply(String title, String message) {
            super(title, message, null);
        }

    }

    /**
     * The peer or the network refused: nothing listens, the peer refused the image, or
     * the send failed.
     */
    public static final class PeerFailed extends SendException {

        PeerFailed(String title, String message, Throwable cause) {
            super(title, message, cause);
        }

    }

}
