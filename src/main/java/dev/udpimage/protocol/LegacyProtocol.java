package dev.udpimage.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Constants and codecs of the legacy wire protocol spoken by the Python/OpenCV tutorial
 * clients (docs/legacy-protocol.md says what this service implements). Pure Java, no
 * Spring.
 */
public final class LegacyProtocol {

    /** A header is {@code struct.pack('l', n)}: a signed 64-bit little-endian integer. */
    public static final int HEADER_LENGTH = 8;

    /** The chunk size the legacy clients (and receivers) use. */
    public static final int CHUNK_SIZE = 1024;

    /** The largest UDP payload over IPv4: 65 535 - 20 (IP) - 8 (UDP). */
    public static final int MAX_DATAGRAM = 65_507;

    /** Reply for a fully received image, 14 ASCII bytes, no newline. */
    public static final String IMAGE_REPLY = "get message!!!";

    /** Reply for a parsed JSON list, 11 ASCII bytes. */
    public static final String LIST_REPLY = "get the msg";

    /** Longest error reply we send, so a reason never turns into a large datagram. */
    static final int MAX_ERROR_REPLY = 200;

    private LegacyProtocol() {
    }

    public static byte[] encodeHeader(long length) {
        return ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }

    public static long decodeHeader(byte[] datagram) {
        if (datagram.length != HEADER_LENGTH) {
            throw new IllegalArgumentException("a header is exactly 8 bytes, got " + datagram.length);
        }
        return ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * The {@code error: <reason>} reply: printable ASCII only (anything else becomes
     * '?'), at most {@value #MAX_ERROR_REPLY} bytes, so that no payload content can shape
     * what we send back.
     */
    public static byte[] errorReply(String reason) {
        String text = "error: " + (reason == null || reason.isBlank() ? "rejected" : reason.strip());
        byte[] out = new byte[Math.min(text.length(), MAX_ERROR_REPLY)];
        for (int i = 0; i < out.length; i++) {
            char c = text.charAt(i);
            out[i] = (byte) (c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out;
    }

    public static byte[] ascii(String reply) {
        return reply.getBytes(StandardCharsets.US_ASCII);
    }

}
