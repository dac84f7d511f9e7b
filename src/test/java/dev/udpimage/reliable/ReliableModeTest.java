package dev.udpimage.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.udpimage.protocol.reliable.DatagramLink;
import dev.udpimage.protocol.reliable.ReliableSender;
import dev.udpimage.support.Http;
import dev.udpimage.support.Impairer;
import dev.udpimage.support.LossyRelay;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Reliable mode end to end: {@code POST /send/image?mode=reliable} sends to the service's
 * own image port, directly or through a lossy relay, and what is stored is bit for bit
 * what was sent.
 */
@ServiceTest
class ReliableModeTest extends ServiceTestSupport {

    private static final byte[] IMAGE = TestImages.largeJpeg(900); // a few MB

    private JsonNode send(String query) {
        Http.Response response = http().post("/send/image?mode=reliable" + query, "image/jpeg", IMAGE);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private void assertNewestIsTheImage() {
        JsonNode newest = http().get("/received/images").json().get(0);
        assertThat(newest.get("transport").asString()).isEqualTo("reliable");
        assertThat(newest.get("bytes").asInt()).isEqualTo(IMAGE.length);
        byte[] stored = http().get("/received/images/" + newest.get("id").asLong() + "/original").body();
        assertThat(TestImages.sha256(stored)).isEqualTo(TestImages.sha256(IMAGE));
    }

    @Test
    void withoutLossAlmostNothingIsSentTwice() {
        JsonNode result = send("");
        assertThat(result.get("reply").asString()).isEqualTo("done: stored");
        assertThat(result.get("bytes").asInt()).isEqualTo(IMAGE.length);
        // nothing is impaired; a receiver slowed down (a cold JIT, a busy CI machine) may
        // still cost a few
        assertThat(result.get("retransmissions").asInt()).isLessThan(result.get("datagrams").asInt() / 10);
        assertThat(result.get("megabytesPerSecond").asDouble()).isPositive();
        assertNewestIsTheImage();
    }

    @Test
    void imagesArriveBitExactThroughLossReorderingDuplicationAndCorruption() throws Exception {
        try (LossyRelay relay = new LossyRelay(this.ports.image(), new Impairer.Rates(0.05, 0.05, 0.01, 0.001), 7)) {
            int retransmissions = 0;
            for (int i = 0; i < 5; i++) {
                JsonNode result = send("&port=" + relay.port() + "&timeoutMs=20000");
                retransmissions += result.get("retransmissions").asInt();
                assertNewestIsTheImage();
            }
            assertThat(retransmissions).isPositive();
            assertThat(relay.forwardImpairer().dropped()).isPositive();
        }
    }

    @Test
    void thirtyPercentLossStillCompletes() throws Exception {
        try (LossyRelay relay = new LossyRelay(this.ports.image(), new Impairer.Rates(0.30, 0.05, 0.01, 0.001), 8)) {
            JsonNode result = send("&port=" + relay.port() + "&timeoutMs=30000");
            assertThat(result.get("retransmissions").asInt()).isGreaterThan(100);
            assertNewestIsTheImage();
        }
    }

    @Test
    void bytesThatAreNoImageAreRefusedAfterTheTransfer() throws IOException {
        // the control plane sends only images (400 before anything is sent), so the
        // sender is used directly
        try (DatagramLink link = new DatagramLink(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), this.ports.image()))) {
            assertThatThrownBy(() -> new ReliableSender().send(new byte[100_000], link,
                    ReliableSender.Options.forChunkSize(8192, Duration.ofSeconds(10))))
                .isInstanceOf(ReliableSender.TransferFailed.class)
                .hasMessageContaining("refused the image (status 2)");
        }
    }

    @Test
    void aSilentReceiverEndsInA504AtTheDeadline() throws IOException {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Http.Response response = http()
                .post("/send/image?mode=reliable&timeoutMs=600&port=" + silent.getLocalPort(), "image/jpeg", IMAGE);
            assertThat(response.status()).as(response.text()).isEqualTo(504);
            assertThat(response.json().get("detail").asString()).contains("not finished within 600 ms");
        }
    }

}
