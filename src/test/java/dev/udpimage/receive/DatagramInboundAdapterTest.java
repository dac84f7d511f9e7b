package dev.udpimage.receive;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.messaging.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter on a real loopback socket, outside any application context: whether it sleeps at once between
 * datagrams or polls first, every datagram arrives once and in order, and what arrives while it is stopped waits
 * in the socket for the restart.
 */
class DatagramInboundAdapterTest {

    @ParameterizedTest(name = "spin {0} us")
    @ValueSource(longs = { 0, 100, 1_000_000 })
    void datagramsArriveInOrderAndWaitInTheSocketWhileStopped(long spinMicros) throws Exception {
        try (DatagramChannel socket = DatagramChannel.open();
                DatagramChannel sender = DatagramChannel.open()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.configureBlocking(false);
            sender.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketAddress target = socket.getLocalAddress();
            DatagramInboundAdapter adapter = new DatagramInboundAdapter(socket, "test",
                    Duration.ofNanos(spinMicros * 1000));
            QueueChannel out = new QueueChannel();
            adapter.setOutputChannel(out);
            adapter.setBeanFactory(new DefaultListableBeanFactory());
            adapter.setApplicationEventPublisher(event -> { }); // (the loop announces that it listens)
            adapter.afterPropertiesSet();
            adapter.start();
            try {
                for (int i = 0; i < 20; i++) { // with pauses, so the loop also sleeps between them
                    sender.send(ByteBuffer.wrap(("m" + i).getBytes()), target);
                    Thread.sleep(i % 3);
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(payload(out.receive(5000))).isEqualTo("m" + i);
                }
                assertThat(out.receive(50)).as("nothing more, and nothing twice").isNull();

                adapter.stop();
                Thread.sleep(100); // the loop has ended, or sleeps until it sees it is stopped
                sender.send(ByteBuffer.wrap("while stopped".getBytes()), target);
                assertThat(out.receive(300)).as("nothing is read while stopped").isNull();

                adapter.start();
                Message<?> late = out.receive(5000);
                assertThat(payload(late)).isEqualTo("while stopped");
                assertThat(late.getHeaders().get(IpHeaders.PACKET_ADDRESS)).isEqualTo(sender.getLocalAddress());
            }
            finally {
                adapter.stop();
                adapter.destroy();
            }
        }
    }

    private static String payload(Message<?> message) {
        assertThat(message).as("a datagram arrived").isNotNull();
        return new String((byte[]) message.getPayload(), StandardCharsets.US_ASCII);
    }
}
