package dev.udpimage.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;

/**
 * A UDP proxy on loopback that impairs traffic in both directions at seeded rates: what a
 * client sends to {@link #port()} goes on to the target, what the target answers goes
 * back to that client. One client at a time (the last one heard from). For tests and the
 * benchmark.
 */
public final class LossyRelay implements AutoCloseable {

    private final DatagramSocket front;

    private final DatagramSocket back;

    private final Impairer forward;

    private final Impairer backward;

    private volatile SocketAddress client;

    private final Thread[] threads;

    public LossyRelay(int targetPort, Impairer.Rates rates, long seed) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.front = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.back = new DatagramSocket(new InetSocketAddress(loopback, 0));
        for (DatagramSocket socket : new DatagramSocket[] { this.front, this.back }) {
            socket.setReceiveBufferSize(4 << 20);
            socket.setSendBufferSize(4 << 20);
        }
        this.back.connect(new InetSocketAddress(loopback, targetPort));
        this.forward = new Impairer(rates, seed);
        this.backward = new Impairer(rates, seed + 1);
        this.threads = new Thread[] { new Thread(this::forward, "relay-forward"),
                new Thread(this::backward, "relay-backward") };
        for (Thread thread : this.threads) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    public int port() {
        return this.front.getLocalPort();
    }

    public Impairer forwardImpairer() {
        return this.forward;
    }

    private void forward() {
        byte[] buffer = new byte[65_535];
        try {
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                this.front.receive(packet);
                this.client = packet.getSocketAddress();
                for (byte[] datagram : this.forward.apply(Arrays.copyOf(buffer, packet.getLength()))) {
                    this.back.send(new DatagramPacket(datagram, datagram.length));
                }
            }
        }
        catch (IOException closed) {
            // relay closed
        }
    }

    private void backward() {
        byte[] buffer = new byte[65_535];
        try {
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                this.back.receive(packet);
                SocketAddress to = this.client;
                if (to == null) {
                    continue;
                }
                for (byte[] datagram : this.backward.apply(Arrays.copyOf(buffer, packet.getLength()))) {
                    this.front.send(new DatagramPacket(datagram, datagram.length, to));
                }
            }
        }
        catch (IOException closed) {
            // relay closed
        }
    }

    @Override
    public void close() throws InterruptedException {
        this.front.close();
        this.back.close();
        for (Thread thread : this.threads) {
            thread.join(1000);
        }
    }

}
