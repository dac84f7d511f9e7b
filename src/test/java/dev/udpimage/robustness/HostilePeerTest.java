package dev.udpimage.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.udpimage.protocol.reliable.ReliableCodec;
import dev.udpimage.support.Http;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;

/**
 * Peers of the control plane that answer as no honest receiver would: a reliable-mode
 * peer whose ACKs acknowledge what was never sent ends the send with a 502 problem, and a
 * legacy peer that floods replies gets its first one reported and the rest ignored.
 */
@ServiceTest
class HostilePeerTest extends ServiceTestSupport {

    @Test
    void aReliablePeerWithAnImpossibleAckIsA502() throws Exception {
        for (int cumulative : new int[] { -5, Integer.MIN_VALUE, 1_000_000 }) {
            try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                Thread answering = answer(peer, datagram -> {
                    ReliableCodec.Message message = ReliableCodec.decode(datagram);
                    return message == null ? List.of() : List
                        .of(ReliableCodec.encode(new ReliableCodec.Ack(message.transferId(), cumulative, new byte[0])));
                });
                Http.Response sent = http().postFile(
                        "/send/image?mode=reliable&timeoutMs=3000&port=" + peer.getLocalPort(), "file", "a.jpg",
                        TestImages.mediumJpeg(1));
                assertThat(sent.status()).as("cumulative " + cumulative + ": " + sent.text()).isEqualTo(502);
                assertThat(sent.contentType()).isEqualTo("application/problem+json");
                assertThat(sent.json().get("detail").asString()).contains("invalid ACK");
                peer.close();
                answering.join(2000);
            }
        }
    }

    @Test
    void aLegacyPeerThatFloodsRepliesIsIgnoredAfterTheFirst() throws Exception {
        int[] images = { 0 };
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread answering = answer(peer, datagram -> {
                if (datagram.length != 8) {
                    return List.of();
                }
                images[0]++; // a header: flood the sender
                List<byte[]> flood = new ArrayList<>(List.of("get message!!!".getBytes(StandardCharsets.US_ASCII)));
                for (int i = 1; i < 2000; i++) {
                    flood.add(("junk " + i).repeat(100).getBytes(StandardCharsets.US_ASCII));
                }
                return flood;
            });
            for (int i = 0; i < 3; i++) {
                Http.Response sent = http().postFile("/send/image?timeoutMs=3000&port=" + peer.getLocalPort(), "file",
                        "a.jpg", TestImages.smallJpeg(i));
                assertThat(sent.status()).as(sent.text()).isEqualTo(200);
                assertThat(sent.json().get("reply").asString()).isEqualTo("get message!!!");
            }
            assertThat(images[0]).isEqualTo(3);
            peer.close();
            answering.join(2000);
        }
        assertThat(http().get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
    }

    /** A peer that answers each datagram with what {@code replies} makes of it. */
    private static Thread answer(DatagramSocket peer, Function<byte[], List<byte[]>> replies) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[65_536];
            try {
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    peer.receive(packet);
                    for (byte[] reply : replies.apply(Arrays.copyOf(buffer, packet.getLength()))) {
                        peer.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                    }
                }
            }
            catch (SocketException closed) {
                // the test is over
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
        thread.start();
        return thread;
    }

}
