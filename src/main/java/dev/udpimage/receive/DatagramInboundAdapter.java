package dev.udpimage.receive;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.udp.inbound.UnicastReceivingChannelAdapter;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.udpimage.protocol.LegacyProtocol;

/**
 * Spring Integration's UDP inbound adapter, changed in the three places the legacy protocol needs:
 * <ul>
 *   <li><b>Order.</b> The stock adapter hands each datagram to a pool of 5 threads, which reorders chunks.
 *       Here one receive thread only drains the socket and one worker thread per port sends the messages
 *       into the flow, in arrival order.</li>
 *   <li><b>Memory.</b> The stock adapter allocates a fresh receive buffer (65 508 bytes here) for every
 *       datagram and keeps it while the datagram waits. Here one buffer is reused and each datagram is
 *       copied to its exact length; the bytes waiting for the worker are bounded by {@code udp.worker-queue},
 *       and when the worker falls behind the receive thread waits (the kernel buffer absorbs the burst)
 *       instead of growing without bound.</li>
 *   <li><b>No payload-controlled behaviour.</b> The stock mapper treats a payload starting with
 *       {@code ip_ackTo=} as an acknowledgement request and sends to the address written in it. Here the
 *       payload is never interpreted: the message is the bytes plus the source address.</li>
 * </ul>
 * Empty datagrams are passed on too (the protocol layer decides what they mean).
 *
 * <p>Stop and start (a paused test context, a control bus) keep the socket, and so the bound port: the
 * receive loop polls {@link #isActive()} every {@value #POLL_MILLIS} ms instead of being stopped by closing
 * the socket, and a restarted loop queues behind the old one on the single receive thread. The socket is
 * closed by whoever created it; the threads end with the bean.
 */
public class DatagramInboundAdapter extends UnicastReceivingChannelAdapter {

    private static final int POLL_MILLIS = 250;

    private final ExecutorService receiver;

    private final byte[] receiveBuffer = new byte[LegacyProtocol.MAX_DATAGRAM + 1];

    private final Semaphore queuedBytes;

    private final ExecutorService worker;

    public DatagramInboundAdapter(DatagramSocket socket, String name, int maxQueuedBytes) {
        super(socket.getLocalPort());
        try {
            socket.setSoTimeout(POLL_MILLIS);
        }
        catch (SocketException ex) {
            throw new IllegalStateException("cannot set SO_TIMEOUT on " + socket.getLocalSocketAddress(), ex);
        }
        setSocket(socket);
        setReceiveBufferSize(this.receiveBuffer.length);
        this.receiver = Executors.newSingleThreadExecutor(daemonThreads(name + "-receiver-"));
        setTaskExecutor(this.receiver);
        this.worker = Executors.newSingleThreadExecutor(daemonThreads(name + "-worker-"));
        this.queuedBytes = new Semaphore(maxQueuedBytes);
    }

    private static CustomizableThreadFactory daemonThreads(String prefix) {
        CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
        factory.setDaemon(true);
        return factory;
    }

    /** Runs on the receive thread: one reused buffer, an exact-length copy out. */
    @Override
    protected DatagramPacket receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(this.receiveBuffer, this.receiveBuffer.length);
        getSocket().receive(packet);
        byte[] payload = Arrays.copyOf(this.receiveBuffer, packet.getLength());
        return new DatagramPacket(payload, payload.length, packet.getSocketAddress());
    }

    /** Runs on the receive thread: queue for the port's single worker, waiting while the queue is full. */
    @Override
    protected boolean asyncSendMessage(DatagramPacket packet) {
        int permits = Math.max(1, packet.getLength());
        this.queuedBytes.acquireUninterruptibly(permits);
        try {
            this.worker.execute(() -> {
                try {
                    doSend(packet);
                }
                finally {
                    this.queuedBytes.release(permits);
                }
            });
        }
        catch (RuntimeException ex) { // rejected: the adapter is stopping
            this.queuedBytes.release(permits);
            logger.debug(ex, "Adapter stopping, datagram dropped");
        }
        return true;
    }

    /** Runs on the worker: the datagram becomes a message and enters the flow. */
    @Override
    protected void doSend(DatagramPacket packet) {
        Message<byte[]> message = MessageBuilder.withPayload(packet.getData())
                .setHeader(IpHeaders.PACKET_ADDRESS, packet.getSocketAddress())
                .build();
        try {
            sendMessage(message); // failures go to the error channel
        }
        catch (RuntimeException ex) {
            logger.error(ex, () -> "Failed to process datagram from " + packet.getSocketAddress());
        }
    }

    /** Leaves the socket open and the worker running; the receive loop ends at its next poll. */
    @Override
    protected void doStop() {
    }

    @Override
    public void destroy() {
        super.destroy();
        this.receiver.shutdown();
        this.worker.shutdown();
        try {
            this.worker.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
