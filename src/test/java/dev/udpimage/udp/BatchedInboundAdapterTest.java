package dev.udpimage.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.messaging.Message;

import static dev.udpimage.udp.StoppedAdapterCheck.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.udpimage.support.Commands;

/**
 * The adapter on a real loopback socket, outside any application context, reading through
 * epoll (recvmmsg) or NIO: whether it sleeps at once between datagrams or polls first,
 * every datagram arrives once, whole and in order, bursts of many more than one read
 * takes included, and what arrives while it is stopped waits in the socket for the
 * restart.
 */
class BatchedInboundAdapterTest {

    @ParameterizedTest(name = "epoll {0}, spin {1} us")
    @CsvSource({ "true, 0", "true, 100", "true, 1000000", "false, 0", "false, 100" })
    void datagramsArriveInOrderAndWaitInTheSocketWhileStopped(boolean epoll, long spinMicros) throws Exception {
        Commands.require(!epoll || Epoll.isAvailable(), "epoll is not available here");
        try (UdpPort socket = new UdpPort("test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4 << 20,
                Duration.ofNanos(spinMicros * 1000), epoll); DatagramChannel sender = DatagramChannel.open()) {
            sender.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.port());
            List<String> taken = new ArrayList<>();
            BatchedInboundAdapter adapter = new BatchedInboundAdapter(socket, (source, datagram) -> {
                if (datagram.remaining() > 0 && datagram.get(datagram.position()) == '#') {
                    taken.add(StandardCharsets.US_ASCII.decode(datagram.duplicate()).toString());
                    return true;
                }
                return false;
            }, source -> true);
            QueueChannel out = new QueueChannel();
            adapter.setOutputChannel(out);
            adapter.setBeanFactory(new DefaultListableBeanFactory());
            adapter.afterPropertiesSet();
            adapter.start();
            try {
                // with pauses, so the loop also sleeps between them
                for (int i = 0; i < 20; i++) {
                    sender.send(ByteBuffer.wrap((i % 5 == 0 ? "#" + i : "m" + i).getBytes()), target);
                    Thread.sleep(i % 3);
                }
                for (int i = 0; i < 20; i++) {
                    if (i % 5 != 0) {
                        assertThat(payload(out.receive(5000))).isEqualTo("m" + i);
                    }
                }
                assertThat(taken).containsExactly("#0", "#5", "#10", "#15");
                assertThat(out.receive(50)).as("nothing more, and nothing twice").isNull();

                StoppedAdapterCheck.whatArrivesWhileStoppedWaitsForTheRestart(adapter, sender, target, out);

                // a burst: many more datagrams than one read takes, of every size up to
                // the largest, in order
                int[] sizes = { 0, 1, 1024, 65_507, 8, 30_000 };
                for (int i = 0; i < 3 * UdpPort.BATCH; i++) {
                    byte[] datagram = new byte[sizes[i % sizes.length]];
                    // (never the shortcut's '#')
                    Arrays.fill(datagram, (byte) (0x80 | i));
                    sender.send(ByteBuffer.wrap(datagram), target);
                }
                for (int i = 0; i < 3 * UdpPort.BATCH; i++) {
                    Message<?> received = out.receive(5000);
                    assertThat(received).as("datagram %d of the burst", i).isNotNull();
                    byte[] expected = new byte[sizes[i % sizes.length]];
                    Arrays.fill(expected, (byte) (0x80 | i));
                    assertThat((byte[]) received.getPayload()).as("datagram %d of the burst", i).isEqualTo(expected);
                }
            }
            finally {
                adapter.stop();
            }
        }
    }

}
