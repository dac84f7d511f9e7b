package dev.udpimage.udp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udpimage.support.Commands;

/** The kernel's count of datagrams dropped on a full socket. */
class SocketDropsTest {

    @Test
    void everyDatagramSentToAFullSocketIsEitherQueuedOrCountedAsDropped() throws IOException {
        Commands.require(Files.exists(Path.of("/proc/net/udp")), "Linux (/proc/net/udp)");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramChannel full = DatagramChannel.open(); DatagramChannel sender = DatagramChannel.open()) {
            // the kernel's minimum, a few datagrams
            full.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            full.bind(new InetSocketAddress(loopback, 0));
            full.configureBlocking(false);
            int port = ((InetSocketAddress) full.getLocalAddress()).getPort();
            assertThat(SocketDrops.of(port)).isZero();

            int sent = 500;
            for (int i = 0; i < sent; i++) {
                sender.send(ByteBuffer.allocate(1024), full.getLocalAddress());
            }
            int queued = 0;
            while (full.receive(ByteBuffer.allocate(2048)) != null) {
                queued++;
            }

            assertThat(queued).isPositive().isLessThan(sent);
            assertThat(SocketDrops.of(port)).isEqualTo(sent - queued);
        }
    }

    @Test
    void sumsTheDropsOfTheSocketsOnThePortInBothTables(@TempDir Path dir) throws IOException {
        Path udp = Files.writeString(dir.resolve("udp"),
                """
                           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
                          115: 0100007F:270F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4711 2 0000000000000000 17
                          116: 00000000:270E 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4712 2 0000000000000000 5
                        """);
        Path udp6 = Files.writeString(dir.resolve("udp6"),
                """
                          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
                          200: 00000000000000000000000001000000:270F 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4713 2 0000000000000000 3
                        """);

        assertThat(SocketDrops.of(9999, List.of(udp, udp6))).isEqualTo(20);
        assertThat(SocketDrops.of(9998, List.of(udp, udp6))).isEqualTo(5);
        assertThat(SocketDrops.of(1234, List.of(udp, udp6))).isZero();
        assertThat(SocketDrops.of(9999, List.of(dir.resolve("missing")))).isNaN();
    }

}
