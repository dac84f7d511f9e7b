package dev.udpimage.protocol.reliable;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * A {@link ReliableSender.Link} over a UDP socket connected to the receiver (one socket
 * per transfer).
 */
public final class DatagramLink implements ReliableSender.Link, AutoCloseable {

    private final DatagramSocket socket;

    private final byte[] buffer = new byte[65_535];

    public DatagramLink(InetSocketAddress receiver) throws IOException {
        this.socket = new DatagramSocket();
        this.socket.setSendBufferSize(4 << 20);
        this.socket.setReceiveBufferSize(1 << 20);
        this.socket.connect(receiver);
    }

    @Override
    public void send(byte[] datagram) throws IOException {
        this.socket.send(new DatagramPacket(datagram, datagram.length));
    }

    @Override
    public byte[] receive(Duration timeout) throws IOException {
        DatagramPacket packet = new DatagramPacket(this.buffer, this.buffer.length);
        try {
            this.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            this.socket.receive(packet);
            return Arrays.copyOf(this.buffer, packet.getLength());
        }
        catch (SocketTimeoutException ex) {
            return null;
        }
    }

    @Override
    public void close() {
        this.socket.close();
    }

}
