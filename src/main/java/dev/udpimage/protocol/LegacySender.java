package dev.udpimage.protocol;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends like the legacy Python clients do and waits for the peer's reply: an image as an
 * 8-byte header plus back-to-back chunks (or whole, in one datagram), a list as one JSON
 * datagram. One socket per call, connected to the target so that only the target's reply
 * is accepted. Pure Java, no Spring.
 */
public final class LegacySender {

    public enum Mode {

        CHUNKED, WHOLE

    }

    /** What was sent and what came back. */
    public record Result(InetSocketAddress target, int bytes, int datagrams, String reply, Duration elapsed) {
    }

    /**
     * The peer did not reply within the timeout. (A peer with nothing listening on the
     * port usually shows up earlier, as {@link java.net.PortUnreachableException}, since
     * the socket is connected.)
     */
    public static class NoReplyException extends IOException {

        public NoReplyException(String message, Throwable cause) {
            super(message, cause);
        }

    }

    /**
     * Sends an image. In chunked mode the datagrams are: header, then
     * {@code ceil(n / chunkSize)} chunks. The trailing empty datagram the Python loop
     * emits when {@code n % 1024 == 0} is not sent: it carries nothing, and the Python
     * reference receiver would read it as a header.
     */
    public Result sendImage(InetSocketAddress target, byte[] image, Mode mode, int chunkSize, Duration timeout)
            throws IOException {
        if (image.length == 0) {
            throw new IllegalArgumentException("image is empty");
        }
        if (chunkSize < 1 || chunkSize > LegacyProtocol.MAX_DATAGRAM) {
            throw new IllegalArgumentException("chunk size must be in 1.." + LegacyProtocol.MAX_DATAGRAM);
        }
        if (mode == Mode.WHOLE && image.length > LegacyProtocol.MAX_DATAGRAM) {
            throw new IllegalArgumentException("whole mode carries at most " + LegacyProtocol.MAX_DATAGRAM
                    + " bytes in one datagram, the image has " + image.length);
        }
        long started = System.nanoTime();
        try (DatagramSocket socket = open(target, timeout)) {
            int datagrams;
            if (mode == Mode.WHOLE) {
                socket.send(new DatagramPacket(image, image.length));
                datagrams = 1;
            }
            else {
                byte[] header = LegacyProtocol.encodeHeader(image.length);
                socket.send(new DatagramPacket(header, header.length));
                datagrams = 1;
                DatagramPacket chunk = new DatagramPacket(image, 0);
                for (int offset = 0; offset < image.length; offset += chunkSize) {
                    chunk.setData(image, offset, Math.min(chunkSize, image.length - offset));
                    socket.send(chunk);
                    datagrams++;
                }
            }
            String reply = awaitReply(socket, target, timeout);
            return new Result(target, image.length, datagrams, reply, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Sends one JSON datagram (already serialized, UTF-8) and waits for the reply. */
    public Result sendList(InetSocketAddress target, String json, Duration timeout) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > LegacyProtocol.MAX_DATAGRAM) {
            throw new IllegalArgumentException("a list must fit one datagram (" + LegacyProtocol.MAX_DATAGRAM
                    + " bytes), this one has " + bytes.length);
        }
        long started = System.nanoTime();
        try (DatagramSocket socket = open(target, timeout)) {
            socket.send(new DatagramPacket(bytes, bytes.length));
            String reply = awaitReply(socket, target, timeout);
            return new Result(target, bytes.length, 1, reply, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private static DatagramSocket open(InetSocketAddress target, Duration timeout) throws IOException {
        DatagramSocket socket = new DatagramSocket();
        try {
            socket.connect(target);
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return socket;
        }
        catch (IOException | RuntimeException ex) {
            socket.close();
            throw ex;
        }
    }

    private static String awaitReply(DatagramSocket socket, InetSocketAddress target, Duration timeout)
            throws IOException {
        byte[] buffer = new byte[LegacyProtocol.MAX_DATAGRAM];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(reply);
        }
        catch (SocketTimeoutException ex) {
            throw new NoReplyException("no reply from " + target + " within " + timeout.toMillis() + " ms", ex);
        }
        return new String(buffer, 0, reply.getLength(), StandardCharsets.US_ASCII);
    }

}
