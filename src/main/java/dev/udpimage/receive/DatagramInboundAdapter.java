package dev.udpimage.receive;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.udp.inbound.UnicastReceivingChannelAdapter;
import org.springframework.integration.support.MutableMessageBuilder;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHeaders;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.udpimage.protocol.LegacyProtocol;

/**
 * Spring Integration's UDP inbound adapter, changed in the three places the legacy protocol needs:
 * <ul>
 *   <li><b>Order.</b> The stock adapter hands each datagram to a pool of 5 threads, which reorders chunks.
 *       Here the port's one receive thread sends each datagram into the flow itself, in arrival order. The
 *       flow's per-datagram work is short (reassembly; for a complete image, reading its header), so the
 *       socket is drained as fast as it fills, and the 4 MB kernel buffer absorbs bursts meanwhile.</li>
 *   <li><b>Memory.</b> The stock adapter allocates a fresh receive buffer (65 508 bytes here) for every
 *       datagram. Here one buffer is reused and each datagram copied out at its exact length.</li>
 *   <li><b>No payload-controlled behaviour.</b> The stock mapper treats a payload starting with
 *       {@code ip_ackTo=} as an acknowledgement request and sends to the address written in it. Here the
 *       payload is never interpreted: the message is the bytes plus the source address.</li>
 * </ul>
 * Empty datagrams are passed on too (the protocol layer decides what they mean).
 *
 * <p>Stop and start (a paused test context, a control bus) keep the socket, and so the bound port: the
 * receive loop polls {@link #isActive()} every {@value #POLL_MILLIS} ms instead of being stopped by closing
 * the socket, and a restarted loop queues behind the old one on the single receive thread. The socket is
 * closed by whoever created it; the thread ends with the bean.
 */
public class DatagramInboundAdapter extends UnicastReceivingChannelAdapter {

    private static final int POLL_MILLIS = 250;

    private final ExecutorService receiver;

    private final byte[] receiveBuffer = new byte[LegacyProtocol.MAX_DATAGRAM + 1];

    public DatagramInboundAdapter(DatagramSocket socket, String name) {
        super(socket.getLocalPort());
        try {
            socket.setSoTimeout(POLL_MILLIS);
        }
        catch (SocketException ex) {
            throw new IllegalStateException("cannot set SO_TIMEOUT on " + socket.getLocalSocketAddress(), ex);
        }
        setSocket(socket);
        setReceiveBufferSize(this.receiveBuffer.length);
        CustomizableThreadFactory threads = new CustomizableThreadFactory(name + "-receiver-");
        threads.setDaemon(true);
        this.receiver = Executors.newSingleThreadExecutor(threads);
        setTaskExecutor(this.receiver);
    }

    /** One reused buffer, an exact-length copy out. */
    @Override
    protected DatagramPacket receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(this.receiveBuffer, this.receiveBuffer.length);
        getSocket().receive(packet);
        byte[] payload = Arrays.copyOf(this.receiveBuffer, packet.getLength());
        return new DatagramPacket(payload, payload.length, packet.getSocketAddress());
    }

    /** No hand-off to a pool: the receive thread sends the datagram into the flow, so order is kept. */
    @Override
    protected boolean asyncSendMessage(DatagramPacket packet) {
        doSend(packet);
        return true;
    }

    /**
     * The datagram becomes a message (bytes + source address) and enters the flow. The error channel travels
     * in a header too, so that failures after an asynchronous hand-off in the flow reach it as well.
     */
    @Override
    protected void doSend(DatagramPacket packet) {
        MutableMessageBuilder<byte[]> message = MutableMessageBuilder.withPayload(packet.getData(), false);
        message.setHeader(IpHeaders.PACKET_ADDRESS, packet.getSocketAddress());
        MessageChannel errors = getErrorChannel();
        if (errors != null) {
            message.setHeader(MessageHeaders.ERROR_CHANNEL, errors);
        }
        try {
            sendMessage(message.build()); // failures go to the error channel
        }
        catch (RuntimeException ex) {
            logger.error(ex, () -> "Failed to process datagram from " + packet.getSocketAddress());
        }
    }

    /** Leaves the socket open; the receive loop ends at its next poll. */
    @Override
    protected void doStop() {
    }

    @Override
    public void destroy() {
        super.destroy();
        this.receiver.shutdown();
    }
}
