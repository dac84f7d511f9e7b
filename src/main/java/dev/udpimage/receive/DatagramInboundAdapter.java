package dev.udpimage.receive;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.udp.inbound.UnicastReceivingChannelAdapter;
import org.springframework.integration.support.MutableMessageBuilder;
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
 * <p>Each datagram costs one {@code recvfrom} into a reused direct buffer and one copy out, unless a
 * {@link Shortcut} deals with it right there (no copy, no message). The channel stays in
 * blocking mode with no timeout: a receive timeout ({@code SO_TIMEOUT}) makes the JDK switch the channel to
 * non-blocking and back around every receive, two {@code fcntl} calls that took over a third of the receive
 * thread's time.
 *
 * <p>Stop and start (a paused test context, a control bus) keep the socket, and so the bound port and whatever
 * the kernel has queued on it: stopping sends one datagram from a private loopback socket to wake the
 * receive loop, which then ends; a restarted loop queues behind the old one on the single receive thread. The
 * socket is closed by whoever created it; the thread ends with the bean.
 */
public class DatagramInboundAdapter extends UnicastReceivingChannelAdapter {

    /**
     * A step the receive loop may complete for a datagram on its own, before any message is made: for the image
     * port, appending a chunk to its transfer in progress (nearly every datagram of a large image).
     */
    @FunctionalInterface
    public interface Shortcut {

        /** Takes nothing: every datagram becomes a message. */
        Shortcut NONE = (source, datagram) -> false;

        /**
         * @param datagram the datagram in the receive buffer, valid only during the call; its position must be
         *     left as it was
         * @return whether the datagram was dealt with; if not, it goes into the flow as a message
         */
        boolean take(SocketAddress source, ByteBuffer datagram);
    }

    private final DatagramChannel channel;

    private final Shortcut shortcut;

    private final ExecutorService receiver;

    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(LegacyProtocol.MAX_DATAGRAM + 1);

    /** The source of the wake-up datagram sent by {@link #doStop()}, so the loop can tell it from a sender's. */
    private volatile SocketAddress wakeSource;

    public DatagramInboundAdapter(DatagramChannel channel, String name, Shortcut shortcut) {
        super(UdpSockets.port(channel));
        this.shortcut = shortcut;
        if (!channel.isBlocking()) {
            throw new IllegalArgumentException("the channel must be in blocking mode");
        }
        this.channel = channel;
        setSocket(channel.socket());
        setReceiveBufferSize(this.receiveBuffer.capacity());
        CustomizableThreadFactory threads = new CustomizableThreadFactory(name + "-receiver-");
        threads.setDaemon(true);
        this.receiver = Executors.newSingleThreadExecutor(threads);
        setTaskExecutor(this.receiver);
    }

    /**
     * One reused direct buffer, an exact-length copy out. The wake-up datagram is not a sender's: after a stop
     * it ends the loop (the base class's loop carries on after a {@link SocketTimeoutException} and then sees
     * it is no longer active); after a quick restart it is skipped.
     */
    @Override
    protected DatagramPacket receive() throws IOException {
        while (true) {
            this.receiveBuffer.clear();
            SocketAddress source;
            try {
                source = this.channel.receive(this.receiveBuffer);
            }
            catch (ClosedChannelException ex) { // the socket's owner closed it: the loop stops
                throw new SocketException("socket closed");
            }
            if (source.equals(this.wakeSource)) {
                if (!isActive()) {
                    throw new SocketTimeoutException("stopped");
                }
                continue;
            }
            if (takenByShortcut(source, this.receiveBuffer.flip())) {
                continue;
            }
            byte[] payload = new byte[this.receiveBuffer.remaining()];
            this.receiveBuffer.get(payload);
            return new DatagramPacket(payload, payload.length, source);
        }
    }

    private boolean takenByShortcut(SocketAddress source, ByteBuffer datagram) {
        try {
            return this.shortcut.take(source, datagram);
        }
        catch (RuntimeException ex) { // never the end of the receive loop: the flow gets the datagram instead
            logger.error(ex, () -> "Shortcut failed for a datagram from " + source);
            return false;
        }
    }

    /** No hand-off to a pool: the receive thread sends the datagram into the flow, so order is kept. */
    @Override
    protected boolean asyncSendMessage(DatagramPacket packet) {
        doSend(packet);
        return true;
    }

    /**
     * The datagram becomes a message (bytes + source address) and enters the flow, on this thread; a failure
     * anywhere in the flow reaches the adapter's error channel.
     */
    @Override
    protected void doSend(DatagramPacket packet) {
        MutableMessageBuilder<byte[]> message = MutableMessageBuilder.withPayload(packet.getData(), false);
        message.setHeader(IpHeaders.PACKET_ADDRESS, packet.getSocketAddress());
        try {
            sendMessage(message.build()); // failures go to the error channel
        }
        catch (RuntimeException ex) {
            logger.error(ex, () -> "Failed to process datagram from " + packet.getSocketAddress());
        }
    }

    /** Leaves the socket open and wakes the receive loop, which ends once it sees it is no longer active. */
    @Override
    protected void doStop() {
        try (DatagramChannel wake = DatagramChannel.open()) {
            InetSocketAddress local = (InetSocketAddress) this.channel.getLocalAddress();
            InetAddress address = local.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress()
                    : local.getAddress();
            wake.connect(new InetSocketAddress(address, local.getPort()));
            this.wakeSource = wake.getLocalAddress();
            wake.write(ByteBuffer.allocate(1)); // (the JDK sends nothing for an empty buffer)
        }
        catch (IOException ex) {
            logger.warn(ex, "Could not wake the receive loop; it ends after the next datagram");
        }
    }

    @Override
    public void destroy() {
        super.destroy();
        this.receiver.shutdown();
    }
}
