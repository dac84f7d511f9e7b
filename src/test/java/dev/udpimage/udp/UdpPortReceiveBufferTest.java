package dev.udpimage.udp;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udpimage.support.Commands;

/**
 * The image port's receive buffer past {@code net.core.rmem_max}: with CAP_NET_ADMIN it
 * is asked for with SO_RCVBUFFORCE, so a burst of a whole 9 MB image waits in the socket
 * even while nothing reads it.
 */
class UdpPortReceiveBufferTest {

    /**
     * More than a 4 MB SO_RCVBUF holds (about 3 600 datagrams of 1 KB), a little more
     * than a 9 MB image.
     */
    private static final int BURST = 9_000;

    @Test
    void aBurstOfAWhole9MbImageWaitsInTheSocketWhileNothingReads() throws Exception {
        Commands.require(Epoll.isAvailable(), "epoll is not available here");
        Commands.require(hasNetAdmin(), "SO_RCVBUFFORCE needs CAP_NET_ADMIN");
        try (UdpPort port = new UdpPort("test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16 << 20,
                Duration.ZERO, true); DatagramChannel sender = DatagramChannel.open()) {
            SocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port.port());
            ByteBuffer datagram = ByteBuffer.allocate(1024);
            for (int i = 0; i < BURST; i++) { // not read yet: the port starts stopped
                datagram.clear().putInt(0, i);
                sender.send(datagram, target);
            }

            AtomicInteger next = new AtomicInteger();
            AtomicInteger outOfOrder = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(BURST);
            port.receiveWith((source, received) -> {
                if (received.getInt(received.position()) != next.getAndIncrement()) {
                    outOfOrder.incrementAndGet();
                }
                all.countDown();
            });
            port.reading(true);

            assertThat(all.await(10, TimeUnit.SECONDS)).as("%d of %d arrived", next.get(), BURST).isTrue();
            assertThat(outOfOrder).hasValue(0);
            assertThat(SocketDrops.of(port.port())).isZero();
            port.reading(false);
        }
    }

    /** CAP_NET_ADMIN (capability 12) among this process's effective capabilities. */
    private static boolean hasNetAdmin() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status)
            .stream()
            .filter(line -> line.startsWith("CapEff:"))
            .map(line -> new BigInteger(line.substring("CapEff:".length()).trim(), 16))
            .anyMatch(capabilities -> capabilities.testBit(12));
    }

}
