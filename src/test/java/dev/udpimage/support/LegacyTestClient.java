package dev.udpimage.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A test client written from docs/legacy-protocol.md alone, independent of the service's
 * own sender, that sends byte for byte like the Python tutorial client:
 * {@code struct.pack('l', n)} then
 * {@code for i in range(n // 1024 + 1): send(data[1024*i : 1024*(i+1)])}, which includes
 * the trailing empty datagram when {@code n % 1024 == 0}. One socket per client, so one
 * source address:port.
 */
public final class LegacyTestClient implements AutoCloseable {

    private final DatagramSocket socket;

    private final InetSocketAddress target;

    private InetSocketAddress lastReplySource;

    public LegacyTestClient(int port) {
        this(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * A client sending from {@code source} (any 127.x.y.z is this machine: a sender of
     * its own, a camera stream of its own).
     */
    public LegacyTestClient(InetAddress source, int port) {
        try {
            this.socket = new DatagramSocket(new InetSocketAddress(source, 0));
            this.socket.setSendBufferSize(1 << 20);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * The Python client's loop; returns the number of datagrams sent (header and trailing
     * empty included).
     */
    public int sendChunked(byte[] image) {
        send(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(image.length).array());
        int sent = 1;
        for (int i = 0; i < image.length / 1024 + 1; i++) {
            int from = 1024 * i;
            int to = Math.min(image.length, 1024 * (i + 1));
            send(java.util.Arrays.copyOfRange(image, from, to));
            sent++;
        }
        return sent;
    }

    public void send(byte[] datagram) {
        try {
            this.socket.send(new DatagramPacket(datagram, datagram.length, this.target));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public void send(String datagram) {
        send(datagram.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The next datagram received, as ASCII, or {@code null} if none came within the
     * timeout.
     */
    public String reply(Duration timeout) {
        byte[] buffer = new byte[65_535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            this.socket.setSoTimeout((int) timeout.toMillis());
            this.socket.receive(packet);
            this.lastReplySource = (InetSocketAddress) packet.getSocketAddress();
            return new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
        }
        catch (SocketTimeoutException ex) {
            return null;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public String reply() {
        return reply(Duration.ofSeconds(10));
    }

    /** Where the last reply came from. */
    public InetSocketAddress lastReplySource() {
        return this.lastReplySource;
    }

    /** This client's own address, as the service reports senders ({@code ip:port}). */
    public String address() {
        return "127.0.0.1:" + this.socket.getLocalPort();
    }

    @Override
    public void close() {
        this.socket.close();
    }

}
