package dev.udpimage.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.netty.channel.unix.Socket;

/**
 * One {@code sendto} on an epoll channel's socket, from a reused direct buffer, for
 * replies from the port's own thread: through Netty's pipeline each reply would cost a
 * promise, an outbound buffer entry and a fresh direct copy of the payload
 * (docs/design.md). Not thread-safe: only the port's thread uses it. The socket stays the
 * channel's: this wrapper of its descriptor is never closed.
 */
final class DirectSend {

    private final Socket socket;

    private final ByteBuffer buffer;

    DirectSend(int fd, int capacity) {
        this.socket = new Socket(fd);
        this.buffer = ByteBuffer.allocateDirect(capacity);
    }

    boolean fits(byte[] payload) {
        return payload.length <= this.buffer.capacity();
    }

    void send(byte[] payload, InetSocketAddress to, UdpPort.SendOutcome outcome) {
        this.buffer.clear();
        this.buffer.put(payload);
        try {
            if (this.socket.sendTo(this.buffer, 0, payload.length, to.getAddress(), to.getPort()) == payload.length) {
                outcome.sent();
            }
            else {
                outcome.dropped("the socket's send buffer is full");
            }
        }
        catch (IOException ex) {
            outcome.dropped(ex.toString());
        }
    }

}
