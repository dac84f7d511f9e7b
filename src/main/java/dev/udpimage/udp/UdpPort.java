package dev.udpimage.udp;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.udpimage.limit.RateLimitedLog;

/**
 * One UDP port: a socket, bound as soon as this is made (so its port is known before
 * anything starts), and the one thread that reads it, on Netty. On Linux its epoll
 * transport reads up to {@value #BATCH} datagrams with one {@code recvmmsg} (where a
 * {@code DatagramChannel} needs a {@code recvfrom} each); elsewhere the port reads
 * through NIO, one datagram at a time. docs/design.md says why.
 *
 * <p>
 * Every read goes into one reused direct buffer ({@link ReusedReadBuffer}), with room for
 * {@value #BATCH} datagrams of any size. The {@link Receiver} sees each datagram in
 * arrival order, on the port's thread, and must be done with it when it returns. After a
 * datagram the thread keeps polling for {@code spin} before it sleeps
 * ({@link SpinSelectStrategy}).
 *
 * <p>
 * {@link #reading(boolean) Not reading} leaves what arrives in the socket, for when
 * reading resumes.
 */
public final class UdpPort implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UdpPort.class);

    /** What a datagram can make the port log: at most 20 lines a second. */
    private static final RateLimitedLog DATAGRAM_LOG = new RateLimitedLog(log, 20);

    /** Most datagrams read by one system call (docs/design.md: why not more). */
    static final int BATCH = 16;

    /**
     * Most batches read before the thread looks at its other work (sends from other
     * threads, stop).
     */
    private static final int READS_PER_WAKEUP = 16;

    /**
     * Linux's SO_RCVBUFFORCE ({@code SOL_SOCKET} is 1, the option 33, on every
     * architecture Netty's epoll runs on).
     */
    private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1,
            33);

    /**
     * Room for one datagram: the largest UDP payload is 65 507 bytes over IPv4, 65 527
     * over IPv6.
     */
    private static final int SLOT = 64 * 1024;

    /** Gets each datagram read, on the port's thread. */
    @FunctionalInterface
    public interface Receiver {

        /**
         * @param datagram its bytes, valid only during the call
         */
        void receive(InetSocketAddress source, ByteBuffer datagram);

    }

    /** Hears how a {@link #send} ended, on the port's thread. */
    public interface SendOutcome {

        void sent();

        void dropped(String why);

    }

    private final String name;

    private final EventLoopGroup thread;

    private final Channel channel;

    private final ReusedReadBuffer reads;

    /**
     * Replies from the port's thread straight to the epoll channel's socket; null with
     * NIO.
     */
    private final DirectSend directSend;

    private volatile Receiver receiver = (source, datagram) -> {
    };

    /**
     * @param name what the port carries ("image"); names its thread
     * {@code udp-<name>-receiver-1}
     * @param receiveBuffer SO_RCVBUF to ask for; the kernel caps it at
     * {@code net.core.rmem_max}
     * @param spin how long to keep polling after a datagram before sleeping until the
     * next
     */
    public static UdpPort bind(String name, InetSocketAddress address, int receiveBuffer, Duration spin) {
        return new UdpPort(name, address, receiveBuffer, spin, Epoll.isAvailable());
    }

    UdpPort(String name, InetSocketAddress address, int receiveBuffer, Duration spin, boolean epoll) {
        this.name = name;
        CustomizableThreadFactory threads = new CustomizableThreadFactory("udp-" + name + "-receiver-");
        threads.setDaemon(true);
        SelectStrategyFactory polling = SpinSelectStrategy.factory(spin);
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory(0, polling)
                : NioIoHandler.newFactory(SelectorProvider.provider(), polling);
        this.thread = new MultiThreadIoEventLoopGroup(1, threads, io);
        SocketProtocolFamily family = address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET
                : SocketProtocolFamily.INET6;
        this.reads = epoll ? new ReusedReadBuffer(READS_PER_WAKEUP, BATCH * SLOT, BATCH * SLOT)
                : new ReusedReadBuffer(BATCH, BATCH * SLOT, SLOT);
        Bootstrap bootstrap = new Bootstrap().group(this.thread)
            .channelFactory(() -> epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family))
            .option(ChannelOption.SO_RCVBUF, receiveBuffer)
            // nothing is pooled: reads go into one reused buffer, replies through a
            // thread-local one
            .option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.RCVBUF_ALLOCATOR, this.reads)
            .handler(new Reader());
        if (epoll) {
            // read with recvmmsg
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT);
        }
        try {
            this.channel = bootstrap.bind(address).syncUninterruptibly().channel();
        }
        catch (RuntimeException ex) {
            this.thread.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            this.reads.release();
            throw new IllegalStateException("cannot bind the UDP " + name + " port to " + address, ex);
        }
        this.directSend = epoll ? new DirectSend(((EpollDatagramChannel) this.channel).fd().intValue(), SLOT) : null;
        boolean forced = epoll && forceReceiveBuffer(receiveBuffer);
        // Linux books twice what it grants, for its own overhead
        log.info("UDP {} port listening on {} ({}): asked for SO_RCVBUF {} bytes{}, kernel granted {} bytes", name,
                this.channel.localAddress(), epoll ? "epoll, recvmmsg" : "NIO", receiveBuffer,
                forced ? " (with SO_RCVBUFFORCE, past net.core.rmem_max)" : "",
                this.channel.config().getOption(ChannelOption.SO_RCVBUF));
    }

    /**
     * Where the kernel granted less than was asked ({@code net.core.rmem_max} caps
     * SO_RCVBUF), asks again with SO_RCVBUFFORCE, which that limit does not cap but which
     * only a process with CAP_NET_ADMIN may use (root, or a container given that
     * capability), the way rsyslog's UDP input does. Without it the capped size stays.
     * @return whether the forced size was granted
     */
    private boolean forceReceiveBuffer(int receiveBuffer) {
        ChannelConfig config = this.channel.config();
        // Linux reports twice what it granted
        if (config.getOption(ChannelOption.SO_RCVBUF) / 2 >= receiveBuffer) {
            return false;
        }
        try {
            return config.setOption(SO_RCVBUFFORCE, receiveBuffer);
        }
        catch (RuntimeException ex) { // EPERM: no CAP_NET_ADMIN
            log.info(
                    "UDP {} port: SO_RCVBUF capped at net.core.rmem_max, and SO_RCVBUFFORCE refused ({}); raise "
                            + "net.core.rmem_max, or run with CAP_NET_ADMIN, for the {} bytes asked",
                    this.name, ex.getMessage(), receiveBuffer);
            return false;
        }
    }

    public int port() {
        return ((InetSocketAddress) this.channel.localAddress()).getPort();
    }

    public void receiveWith(Receiver receiver) {
        this.receiver = receiver;
    }

    /**
     * Starts or stops reading; what arrives while stopped stays in the socket. Stopping
     * takes the socket off its thread altogether (merely not asking for reads would let
     * one more arrive), once the thread has handled what it has read; it must not be
     * called from the port's thread.
     */
    public void reading(boolean on) {
        if (on) {
            if (!this.channel.isRegistered()) {
                this.thread.register(this.channel).syncUninterruptibly();
            }
            this.channel.config().setAutoRead(true);
        }
        else if (this.channel.isRegistered()) {
            this.channel.config().setAutoRead(false);
            this.channel.deregister().syncUninterruptibly();
        }
    }

    /**
     * Sends a datagram from this port's socket: at once when called on the port's thread,
     * the way every reply is. One that the socket cannot take now is dropped, like any
     * datagram lost on the way.
     */
    public void send(byte[] payload, SocketAddress to, SendOutcome outcome) {
        if (!this.channel.isRegistered()) {
            outcome.dropped("the port is stopped");
            return;
        }
        if (this.directSend != null && this.directSend.fits(payload) && this.channel.eventLoop().inEventLoop()) {
            this.directSend.send(payload, (InetSocketAddress) to, outcome);
            return;
        }
        if (!this.channel.isWritable()) {
            outcome.dropped("the socket's send buffer is full");
            return;
        }
        try {
            this.channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), (InetSocketAddress) to))
                .addListener((ChannelFutureListener) sent -> {
                    if (sent.isSuccess()) {
                        outcome.sent();
                    }
                    else {
                        outcome.dropped(String.valueOf(sent.cause()));
                    }
                });
        }
        catch (RuntimeException ex) { // stopped meanwhile
            outcome.dropped(ex.toString());
        }
    }

    /** Closes the socket, ends the thread and frees the read buffer. */
    @Override
    public void close() {
        this.channel.close().syncUninterruptibly();
        this.thread.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        this.reads.release();
    }

    @Override
    public String toString() {
        return "UDP " + this.name + " port " + this.channel.localAddress();
    }

    /**
     * Hands each datagram to the receiver; whatever the receiver throws, the port reads
     * on.
     */
    private final class Reader extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            DatagramPacket packet = (DatagramPacket) message;
            try {
                ByteBuf content = packet.content();
                UdpPort.this.receiver.receive(packet.sender(), content.nioBuffer());
            }
            catch (RuntimeException ex) {
                DATAGRAM_LOG.error("Failed to handle a datagram from {} on the {} port", packet.sender(),
                        UdpPort.this.name, ex);
            }
            finally {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            DATAGRAM_LOG.warn("Error on the UDP {} port: {}", UdpPort.this.name, cause.toString());
        }

    }

}
