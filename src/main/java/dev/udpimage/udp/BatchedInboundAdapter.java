package dev.udpimage.udp;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Predicate;

import org.slf4j.LoggerFactory;

import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.support.MutableMessageBuilder;

import dev.udpimage.limit.RateLimitedLog;

/**
 * The image port's inbound adapter: {@link DatagramInboundAdapter}'s job for a
 * {@link UdpPort}, which reads up to 16 datagrams with one {@code recvmmsg} call where a
 * {@code DatagramChannel} needs a {@code recvfrom} each. Images come in bursts of
 * 1024-byte datagrams, which a sender using {@code sendmmsg} sends faster than one
 * {@code recvfrom} at a time drains them; lists are single datagrams, for which the batch
 * only adds system calls (an epoll wait, and Netty's {@code getsockopt} per read), so the
 * list port keeps {@link DatagramInboundAdapter}.
 * <p>
 * Each datagram becomes a message (its bytes, and its source address in
 * {@link IpHeaders#PACKET_ADDRESS}, like Spring Integration's own UDP adapter) and enters
 * the flow on the port's thread, in arrival order, unless the {@link Shortcut} deals with
 * it first. Stopped, the adapter leaves what arrives in the socket for when it starts
 * again; the socket belongs to whoever made the port.
 */
public class BatchedInboundAdapter extends MessageProducerSupport {

    /** What a datagram can make the adapter log: at most 20 lines a second. */
    private static final RateLimitedLog DATAGRAM_LOG = new RateLimitedLog(
            LoggerFactory.getLogger(BatchedInboundAdapter.class), 20);

    /**
     * A step the port's thread may complete for a datagram on its own, before any message
     * is made: appending a chunk to its transfer in progress (nearly every datagram of a
     * large image).
     */
    @FunctionalInterface
    public interface Shortcut {

        /**
         * @param datagram the datagram, valid only during the call; its position must be
         * left as it was
         * @return whether the datagram was dealt with; if not, it goes into the flow as a
         * message
         */
        boolean take(SocketAddress source, ByteBuffer datagram);

    }

    private final UdpPort port;

    private final Shortcut shortcut;

    private final Predicate<SocketAddress> senders;

    /**
     * @param senders who may send: a datagram it refuses is dropped before anything reads
     * it (it counts and logs the refusal)
     */
    public BatchedInboundAdapter(UdpPort port, Shortcut shortcut, Predicate<SocketAddress> senders) {
        this.port = port;
        this.shortcut = shortcut;
        this.senders = senders;
        port.receiveWith(this::receive);
    }

    @Override
    public String getComponentType() {
        return "ip:udp-inbound-channel-adapter";
    }

    private void receive(InetSocketAddress source, ByteBuffer datagram) {
        if (!this.senders.test(source) || takenByShortcut(source, datagram)) {
            return;
        }
        byte[] payload = new byte[datagram.remaining()];
        datagram.get(payload);
        MutableMessageBuilder<byte[]> message = MutableMessageBuilder.withPayload(payload, false);
        message.setHeader(IpHeaders.PACKET_ADDRESS, source);
        try {
            sendMessage(message.build()); // failures in the flow go to the error channel
        }
        catch (RuntimeException ex) {
            DATAGRAM_LOG.error("Failed to process datagram from {}", source, ex);
        }
    }

    private boolean takenByShortcut(SocketAddress source, ByteBuffer datagram) {
        try {
            return this.shortcut.take(source, datagram);
        }
        // never the end of the port: the flow gets the datagram instead
        catch (RuntimeException ex) {
            DATAGRAM_LOG.error("Shortcut failed for a datagram from {}", source, ex);
            return false;
        }
    }

    @Override
    protected void doStart() {
        this.port.reading(true);
    }

    @Override
    protected void doStop() {
        this.port.reading(false);
    }

}
