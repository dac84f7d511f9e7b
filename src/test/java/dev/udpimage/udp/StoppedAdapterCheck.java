package dev.udpimage.udp;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.messaging.Message;

import static org.assertj.core.api.Assertions.assertThat;

/** What both receive adapters promise about stop and start, checked on a real socket. */
final class StoppedAdapterCheck {

    private StoppedAdapterCheck() {
    }

    /**
     * Stops the running {@code adapter}, sends one datagram to {@code target}, which must
     * not be read, restarts it and expects that datagram, from {@code sender}, on
     * {@code out}.
     */
    static void whatArrivesWhileStoppedWaitsForTheRestart(MessageProducerSupport adapter, DatagramChannel sender,
            SocketAddress target, QueueChannel out) throws Exception {
        adapter.stop(); // returns once the port's thread has stopped reading
        sender.send(ByteBuffer.wrap("while stopped".getBytes()), target);
        assertThat(out.receive(300)).as("nothing is read while stopped").isNull();

        adapter.start();
        Message<?> late = out.receive(5000);
        assertThat(payload(late)).isEqualTo("while stopped");
        assertThat(late.getHeaders().get(IpHeaders.PACKET_ADDRESS)).isEqualTo(sender.getLocalAddress());
    }

    static String payload(Message<?> message) {
        assertThat(message).as("a datagram arrived").isNotNull();
        return new String((byte[]) message.getPayload(), StandardCharsets.US_ASCII);
    }

}
