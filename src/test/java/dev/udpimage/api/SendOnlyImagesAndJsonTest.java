package dev.udpimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.Http;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;

/**
 * The control plane sends images and JSON, to allowed ports, and nothing else: whatever
 * it refuses never reaches the UDP target.
 */
@ServiceTest
class SendOnlyImagesAndJsonTest extends ServiceTestSupport {

    @Test
    void bytesThatAreNoImageAre400AndNeverSent() throws IOException {
        try (DatagramSocket target = openTarget(0)) {
            String query = "?timeoutMs=300&port=" + target.getLocalPort();
            byte[] payload = "ARBITRARY PAYLOAD not an image".getBytes(StandardCharsets.US_ASCII);
            for (String mode : new String[] { "chunked", "whole", "reliable" }) {
                Http.Response raw = http().post("/send/image" + query + "&mode=" + mode, "image/jpeg", payload);
                assertThat(raw.status()).as(raw.text()).isEqualTo(400);
                assertThat(raw.json().get("detail").asString()).contains("only images are sent");
            }
            assertThat(http().postFile("/send/image" + query, "file", "a.jpg", payload).status()).isEqualTo(400);
            byte[] truncatedJpeg = java.util.Arrays.copyOf(TestImages.smallJpeg(84), 40);
            assertThat(http().postFile("/send/image" + query, "file", "b.jpg", truncatedJpeg).status()).isEqualTo(400);
            assertNothingArrives(target);
        }
    }

    @Test
    void invalidJsonIs400AndNeverSent() throws IOException {
        try (DatagramSocket target = openTarget(0)) {
            String query = "?timeoutMs=300&port=" + target.getLocalPort();
            for (String body : new String[] { "ARBITRARY PAYLOAD", "[1, 2", "", "{\"a\": }" }) {
                Http.Response sent = http().postJson("/send/list" + query, body);
                assertThat(sent.status()).as(body + ": " + sent.text()).isEqualTo(400);
            }
            assertNothingArrives(target);
        }
    }

    @Test
    void portsOutsideTheAllowedRangesAre403AndNeverSent() throws IOException {
        // above the default ranges (5000-5099, 32768-60999), where no ephemeral port
        // lands
        try (DatagramSocket target = openTarget(61_000)) {
            Http.Response sent = http().postFile("/send/image?timeoutMs=300&port=" + target.getLocalPort(), "file",
                    "a.jpg", TestImages.smallJpeg(85));
            assertThat(sent.status()).as(sent.text()).isEqualTo(403);
            assertThat(sent.json().get("detail").asString()).contains("udp.send.allowed-ports");
            assertThat(http().postJson("/send/list?timeoutMs=300&port=" + target.getLocalPort(), "[1]").status())
                .isEqualTo(403);
            assertNothingArrives(target);
        }
        // this service's own ports are always allowed
        assertThat(http().postJson("/send/list?port=" + this.ports.list(), "[1]").status()).isEqualTo(200);
    }

    /** A loopback socket on the first free port from {@code from} (0: any). */
    private static DatagramSocket openTarget(int from) throws SocketException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (from == 0) {
            return new DatagramSocket(new InetSocketAddress(loopback, 0));
        }
        for (int port = from; port < 65_535; port++) {
            try {
                return new DatagramSocket(new InetSocketAddress(loopback, port));
            }
            catch (SocketException taken) {
                // the next one
            }
        }
        throw new SocketException("no free port from " + from);
    }

    private static void assertNothingArrives(DatagramSocket target) throws IOException {
        target.setSoTimeout(300);
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        try {
            target.receive(packet);
            throw new AssertionError("a datagram of " + packet.getLength() + " bytes reached the target");
        }
        catch (SocketTimeoutException expected) {
            // nothing came
        }
    }

}
