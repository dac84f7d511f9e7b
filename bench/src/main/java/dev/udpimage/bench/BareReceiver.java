package dev.udpimage.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's "what is possible here" column: the legacy protocol in a bare
 * {@link DatagramChannel} loop, no Spring, no decoding, no storage, one thread per port.
 * It waits for datagrams the way the service does ({@code udp.receive-spin}): polling for
 * 100 us after each one, then sleeping in a {@link Selector}. Run as its own process by
 * {@link Bench}. Arguments: image port, list port. Prints "ready" once bound.
 */
public final class BareReceiver {

    private static final ByteBuffer IMAGE_REPLY = ByteBuffer.wrap("get message!!!".getBytes(StandardCharsets.US_ASCII));

    private static final ByteBuffer LIST_REPLY = ByteBuffer.wrap("get the msg".getBytes(StandardCharsets.US_ASCII));

    private static final long SPIN_NANOS = 100_000;

    private BareReceiver() {
    }

    public static void main(String[] args) throws IOException {
        DatagramChannel images = bind(Integer.parseInt(args[0]));
        DatagramChannel lists = bind(Integer.parseInt(args[1]));
        Thread listThread = new Thread(() -> serveLists(lists), "bare-lists");
        listThread.setDaemon(true);
        listThread.start();
        System.out.println("ready");
        System.out.flush();
        serveImages(images);
    }

    private static DatagramChannel bind(int port) throws IOException {
        // like the service's list port
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.bind(new InetSocketAddress("127.0.0.1", port));
        channel.configureBlocking(false);
        return channel;
    }

    /**
     * The next datagram: polls for {@link #SPIN_NANOS} after the last one, then sleeps
     * until one comes.
     */
    private static SocketAddress receive(DatagramChannel channel, Selector selector, ByteBuffer buffer)
            throws IOException {
        long last = System.nanoTime();
        while (true) {
            SocketAddress sender = channel.receive(buffer);
            if (sender != null) {
                return sender;
            }
            if (System.nanoTime() - last >= SPIN_NANOS) {
                selector.select();
                selector.selectedKeys().clear();
                last = System.nanoTime();
            }
        }
    }

    private static Selector selector(DatagramChannel channel) throws IOException {
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        return selector;
    }

    private static final class Transfer {

        final byte[] bytes;

        int received;

        Transfer(int length) {
            this.bytes = new byte[length];
        }

    }

    private static void serveImages(DatagramChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65_536).order(ByteOrder.LITTLE_ENDIAN);
        Map<SocketAddress, Transfer> pending = new HashMap<>();
        Selector selector = selector(channel);
        while (true) {
            buffer.clear();
            SocketAddress sender = receive(channel, selector, buffer);
            buffer.flip();
            int length = buffer.remaining();
            Transfer transfer = pending.get(sender);
            if (transfer == null) {
                if (length == 8) {
                    pending.put(sender, new Transfer((int) buffer.getLong()));
                }
                else if (length > 0) {
                    channel.send(IMAGE_REPLY.duplicate(), sender); // a whole image
                }
                continue;
            }
            int take = Math.min(length, transfer.bytes.length - transfer.received);
            buffer.get(transfer.bytes, transfer.received, take);
            transfer.received += take;
            if (transfer.received == transfer.bytes.length) {
                pending.remove(sender);
                channel.send(IMAGE_REPLY.duplicate(), sender);
            }
        }
    }

    private static void serveLists(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        try (Selector selector = selector(channel)) {
            while (true) {
                buffer.clear();
                SocketAddress sender = receive(channel, selector, buffer);
                channel.send(LIST_REPLY.duplicate(), sender);
            }
        }
        catch (IOException ex) {
            // closed
        }
    }

}
