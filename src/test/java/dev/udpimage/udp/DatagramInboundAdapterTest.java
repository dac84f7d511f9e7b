package dev.udpimage.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.integration.channel.QueueChannel;

import static dev.udpimage.udp.StoppedAdapterCheck.payload;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter on a real loopback socket, outside any application context: whether it
 * sleeps at once between datagrams or polls first, every datagram arrives once and in
 * order, and what arrives while it is stopped waits in the socket for the restart.
 */
class DatagramInboundAdapterTest {

    @ParameterizedTest(name = "spin {0} us")
    @ValueSource(longs = { 0, 100, 1_000_000 })
    void datagramsArriveInOrderAndWaitInTheSocketWhileStopped(long spinMicros) throws Exception {
        try (DatagramChannel socket = DatagramChannel.open(); DatagramChannel sender = DatagramChannel.open()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.configureBlocking(false);
            sender.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketAddress target = socket.getLocalAddress();
            DatagramInboundAdapter adapter = new DatagramInboundAdapter(socket, "test",
                    Duration.ofNanos(spinMicros * 1000), source -> true);
            QueueChannel out = new QueueChannel();
            adapter.setOutputChannel(out);
            adapter.setBeanFactory(new DefaultListableBeanFactory());
            adapter.setApplicationEventPublisher(event -> {
            }); // (the loop announces that it listens)
            adapter.afterPropertiesSet();
            adapter.start();
            try {
                // with pauses, so the loop also sleeps between them
                for (int i = 0; i < 20; i++) {
                    sender.send(ByteBuffer.wrap(("m" + i).getBytes()), target);
                    Thread.sleep(i % 3);
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(payload(out.receive(5000))).isEqualTo("m" + i);
                }
                assertThat(out.receive(50)).as("nothing more, and nothing twice").isNull();

                StoppedAdapterCheck.whatArrivesWhileStoppedWaitsForTheRestart(adapter, sender, target, out);
            }
            finally {
                adapter.stop();
                adapter.destroy();
            }
        }
    }

}
