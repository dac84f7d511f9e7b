package dev.udpimage.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * A {@link io.netty.channel.RecvByteBufAllocator} that hands out pieces of one direct
 * buffer, made once, so that no read allocates and only the pages datagrams land in are
 * ever touched. Epoll reads a whole batch ({@code recvmmsg}) into all of it, and its
 * datagrams are handled before the next read; NIO reads one datagram per piece, as many
 * as fit, and handles them all before it reads again. The buffer is the port's to
 * release.
 */
final class ReusedReadBuffer extends DefaultMaxMessagesRecvByteBufAllocator {

    private final ByteBuf buffer;

    private final int piece;

    /**
     * @param capacity the whole buffer's size
     * @param piece what one read is handed: the whole buffer (epoll), or room for one
     * datagram (NIO)
     */
    ReusedReadBuffer(int readsPerWakeup, int capacity, int piece) {
        super(readsPerWakeup);
        this.buffer = Unpooled.directBuffer(capacity, capacity);
        this.piece = piece;
    }

    void release() {
        this.buffer.release();
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {

            private int next;

            @Override
            public void reset(ChannelConfig config) {
                super.reset(config);
                this.next = 0;
            }

            @Override
            public int guess() {
                return ReusedReadBuffer.this.piece;
            }

            @Override
            public ByteBuf allocate(ByteBufAllocator allocator) {
                ByteBuf whole = ReusedReadBuffer.this.buffer;
                int size = ReusedReadBuffer.this.piece;
                if (this.next + size > whole.capacity()) {
                    this.next = 0; // (epoll: every read; its datagrams have been handled)
                }
                ByteBuf piece = whole.retainedSlice(this.next, size);
                this.next += size;
                return piece.clear();
            }
        };
    }

}
