package dev.udpimage.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The benchmark's sender: exactly the legacy client's datagrams (8-byte header, 1024-byte
 * chunks back to back, the trailing empty datagram when the length is a multiple of 1024,
 * then block on the reply), but from a {@link DatagramChannel} with no per-datagram
 * allocation, so that the receiver is what is measured.
 */
final class LegacyLoad implements AutoCloseable {

    private final InetSocketAddress target;

    private final Duration timeout;

    private DatagramChannel channel;

    private final ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    private final byte[] replyBuffer = new byte[2048];

    LegacyLoad(InetSocketAddress target, Duration timeout) throws IOException {
        this.target = target;
        this.timeout = timeout;
        this.channel = open();
    }

    private DatagramChannel open() throws IOException {
        DatagramChannel opened = DatagramChannel.open();
        opened.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1 << 20);
        opened.connect(this.target);
        opened.socket().setSoTimeout((int) this.timeout.toMillis());
        return opened;
    }

    /**
     * Sends one image and waits for the reply.
     * @return the reply, or {@code null} if none came in time (the channel is then
     * replaced, so the next image comes from a new source port, as a restarted client
     * would)
     */
    String sendImage(byte[] image) throws IOException {
        send(image, image.length / 1024 + 1);
        return awaitReply();
    }

    /**
     * The start of a transfer whose remaining datagrams are "lost": header and the first
     * half of the chunks.
     */
    void sendHalf(byte[] image) throws IOException {
        send(image, image.length / 1024 / 2);
    }

    /**
     * The header, then the first {@code chunks} datagrams of the Python client's loop.
     */
    private void send(byte[] image, int chunks) throws IOException {
        this.header.clear();
        this.header.putLong(image.length).flip();
        this.channel.write(this.header);
        ByteBuffer data = ByteBuffer.wrap(image);
        for (int i = 0; i < chunks; i++) {
            int from = 1024 * i;
            data.limit(Math.min(image.length, from + 1024)).position(from);
            this.channel.write(data);
        }
    }

    /**
     * Like {@link #sendImage} but keeps the same socket (source port) and reads replies
     * until the success reply or the timeout; error replies to this attempt's datagrams
     * are read and skipped.
     * @return whether the image got through
     */
    boolean retryImageSameSocket(byte[] image) throws IOException {
        send(image, image.length / 1024 + 1);
        long deadline = System.nanoTime() + this.timeout.toNanos();
        DatagramPacket packet = new DatagramPacket(this.replyBuffer, this.replyBuffer.length);
        while (System.nanoTime() < deadline) {
            try {
                this.channel.socket().setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                this.channel.socket().receive(packet);
                if ("get message!!!"
                    .equals(new String(this.replyBuffer, 0, packet.getLength(), StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
            catch (SocketTimeoutException ex) {
                break;
            }
        }
        return false;
    }

    String sendList(String json) throws IOException {
        this.channel.write(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
        return awaitReply();
    }

    private String awaitReply() throws IOException {
        DatagramPacket packet = new DatagramPacket(this.replyBuffer, this.replyBuffer.length);
        try {
            this.channel.socket().receive(packet);
            return new String(this.replyBuffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
        }
        catch (SocketTimeoutException | java.net.PortUnreachableException ex) {
            this.channel.close();
            this.channel = open();
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        this.channel.close();
    }

}
