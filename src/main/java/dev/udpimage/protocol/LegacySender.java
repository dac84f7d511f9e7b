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

    /**
     * How fast to send a chunked image: at most {@code megabytesPerSecond} (10^6 bytes a
     * second), ahead of that by at most {@code burstBytes}. A legacy receiver cannot
     * recover a lost datagram, and one that reads in a loop (the Python tutorial's) into
     * the default socket buffer loses datagrams sent faster than it reads them.
     * {@code megabytesPerSecond} 0 sends as fast as the socket takes them, for peers
     * known to keep up (this service).
     */
    public record Pacing(double megabytesPerSecond, int burstBytes) {

        public static final Pacing UNPACED = new Pacing(0, 0);

        public Pacing {
            if (megabytesPerSecond < 0 || burstBytes < 0) {
                throw new IllegalArgumentException("pacing must not be negative");
            }
        }

        public boolean paced() {
            return this.megabytesPerSecond > 0;
        }
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
        return sendImage(target, image, mode, chunkSize, timeout, Pacing.UNPACED);
    }

    /** {@link #sendImage(InetSocketAddress, byte[], Mode, int, Duration)}, paced. */
    public Result sendImage(InetSocketAddress target, byte[] image, Mode mode, int chunkSize, Duration timeout,
            Pacing pacing) throws IOException {
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
                Pacer pacer = Pacer.start(pacing);
                DatagramPacket chunk = new DatagramPacket(image, 0);
                for (int offset = 0; offset < image.length; offset += chunkSize) {
                    int length = Math.min(chunkSize, image.length - offset);
                    pacer.beforeSending(length);
                    chunk.setData(image, offset, length);
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
