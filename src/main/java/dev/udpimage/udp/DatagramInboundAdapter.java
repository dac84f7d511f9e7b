package dev.udpimage.udp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.slf4j.LoggerFactory;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.udp.inbound.UnicastReceivingChannelAdapter;
import org.springframework.integration.support.MutableMessageBuilder;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.protocol.LegacyProtocol;

/**
 * The list port's inbound adapter: Spring Integration's UDP inbound adapter, changed in
 * the three places the legacy protocol needs (the image port's is a
 * {@link BatchedInboundAdapter}; docs/design.md says why):
 * <ul>
 * <li><b>Order.</b> The stock adapter hands each datagram to a pool of 5 threads, which
 * reorders them. Here the port's one receive thread sends each datagram into the flow
 * itself, in arrival order; the kernel's socket buffer absorbs bursts meanwhile.</li>
 * <li><b>Memory.</b> The stock adapter allocates a fresh receive buffer for every
 * datagram. Here one direct buffer is reused and each datagram copied out at its exact
 * length.</li>
 * <li><b>No payload-controlled behaviour.</b> The stock mapper treats a payload starting
 * with {@code ip_ackTo=} as an acknowledgement request and sends to the address written
 * in it. Here the payload is never interpreted: the message is the bytes plus the source
 * address.</li>
 * </ul>
 * Empty datagrams are passed on too (the protocol layer decides what they mean).
 *
 * <p>
 * Each datagram costs one {@code recvfrom} into the reused buffer and one copy out. The
 * channel is non-blocking: after a datagram the loop keeps polling for the next for up to
 * {@code spin} before it sleeps in a {@link Selector}, so a stop-and-wait sender's next
 * datagram finds the thread awake. Polling costs a core only while traffic flows, and at
 * most {@code spin} after it stops.
 *
 * <p>
 * Stop and start (a paused test context, a control bus) keep the socket, and so the bound
 * port and whatever the kernel has queued on it: stopping wakes the selector and returns
 * once the loop has seen it is no longer active and ended; a restarted loop runs on the
 * same single receive thread. The socket is closed by whoever created it; the selector
 * and the thread end with the bean.
 */
public class DatagramInboundAdapter extends UnicastReceivingChannelAdapter {

    /** What a datagram can make the adapter log: at most 20 lines a second. */
    private static final RateLimitedLog DATAGRAM_LOG = new RateLimitedLog(
            LoggerFactory.getLogger(DatagramInboundAdapter.class), 20);

    private final DatagramChannel channel;

    private final ExecutorService receiver;

    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(LegacyProtocol.MAX_DATAGRAM + 1);

    /**
     * Where the loop sleeps when no datagram came for {@link #spinNanos};
     * {@link #doStop()} wakes it.
     */
    private final Selector selector;

    private final long spinNanos;

    /** The thread the receive loop runs on, once it has started. */
    private volatile Thread receiverThread;

    private static final int STOP_TIMEOUT_SECONDS = 5;

    private final Predicate<SocketAddress> senders;

    /**
     * @param channel a non-blocking channel, bound
     * @param spin how long to keep polling after a datagram before sleeping until the
     * next
     * @param senders who may send: a datagram it refuses is dropped before it becomes a
     * message (it counts and logs the refusal)
     */
    public DatagramInboundAdapter(DatagramChannel channel, String name, Duration spin,
            Predicate<SocketAddress> senders) {
        super(UdpSockets.port(channel));
        this.senders = senders;
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("the channel must be non-blocking");
        }
        this.channel = channel;
        this.spinNanos = spin.toNanos();
        try {
            this.selector = Selector.open();
            channel.register(this.selector, SelectionKey.OP_READ);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot watch the " + name + " socket", ex);
        }
        setSocket(channel.socket());
        setReceiveBufferSize(this.receiveBuffer.capacity());
        CustomizableThreadFactory threads = new CustomizableThreadFactory(name + "-receiver-") {
            @Override
            public Thread newThread(Runnable task) {
                Thread thread = super.newThread(task);
                DatagramInboundAdapter.this.receiverThread = thread;
                return thread;
            }
        };
        threads.setDaemon(true);
        this.receiver = Executors.newSingleThreadExecutor(threads);
        setTaskExecutor(this.receiver);
    }

    /**
     * One reused direct buffer, an exact-length copy out. Polls while datagrams keep
     * coming, then sleeps. Once stopped it reads nothing more and ends the loop (the base
     * class's loop carries on after a {@link SocketTimeoutException} and then sees it is
     * no longer active).
     */
    @Override
    protected DatagramPacket receive() throws IOException {
        long lastDatagram = System.nanoTime();
        while (true) {
            // stopped: what arrives from now on stays in the socket for a restart
            if (!isActive()) {
                throw new SocketTimeoutException("stopped");
            }
            this.receiveBuffer.clear();
            SocketAddress source;
            try {
                source = this.channel.receive(this.receiveBuffer);
            }
            // the socket's owner closed it: the loop stops
            catch (ClosedChannelException ex) {
                throw new SocketException("socket closed");
            }
            if (source == null) {
                if (System.nanoTime() - lastDatagram < this.spinNanos) {
                    Thread.onSpinWait();
                }
                else {
                    sleepUntilReadable();
                    lastDatagram = System.nanoTime();
                }
                continue;
            }
            lastDatagram = System.nanoTime();
            if (!this.senders.test(source)) {
                continue;
            }
            this.receiveBuffer.flip();
            byte[] payload = new byte[this.receiveBuffer.remaining()];
            this.receiveBuffer.get(payload);
            return new DatagramPacket(payload, payload.length, source);
        }
    }

    private void sleepUntilReadable() throws IOException {
        try {
            this.selector.select();
            this.selector.selectedKeys().clear();
        }
        catch (ClosedSelectorException ex) { // the bean is being destroyed
            throw new SocketException("receive loop closed");
        }
    }

    /**
     * No hand-off to a pool: the receive thread sends the datagram into the flow, so
     * order is kept.
     */
    @Override
    protected boolean asyncSendMessage(DatagramPacket packet) {
        doSend(packet);
        return true;
    }

    /**
     * The datagram becomes a message (bytes + source address) and enters the flow, on
     * this thread; a failure anywhere in the flow reaches the adapter's error channel.
     */
    @Override
    protected void doSend(DatagramPacket packet) {
        MutableMessageBuilder<byte[]> message = MutableMessageBuilder.withPayload(packet.getData(), false);
        message.setHeader(IpHeaders.PACKET_ADDRESS, packet.getSocketAddress());
        try {
            sendMessage(message.build()); // failures go to the error channel
        }
        catch (RuntimeException ex) {
            DATAGRAM_LOG.error("Failed to process datagram from {}", packet.getSocketAddress(), ex);
        }
    }

    /**
     * Leaves the socket open, wakes the receive loop, and returns once the loop has ended
     * (it ends as soon as it sees it is no longer active), so that what arrives from now
     * on stays in the socket, as with {@link UdpPort#reading(boolean)}. Called from the
     * receive thread itself (a flow stopping its own adapter), it returns at once.
     */
    @Override
    protected void doStop() {
        // (if the loop is polling, its next sleep returns at once)
        this.selector.wakeup();
        if (this.receiverThread == Thread.currentThread()) {
            return;
        }
        // the receive thread runs one task at a time: this one runs once the loop has
        // ended
        try {
            this.receiver.submit(() -> {
            }).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException | RejectedExecutionException ex) {
            logger.warn(ex, "The list port's receive loop did not end within " + STOP_TIMEOUT_SECONDS + " s");
        }
    }

    @Override
    public void destroy() {
        super.destroy();
        this.receiver.shutdown();
        try {
            this.selector.close(); // wakes a loop still sleeping in it
        }
        catch (IOException ex) {
            logger.warn(ex, "Could not close the receive loop's selector");
        }
    }

}
