package dev.udpimage.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.PixelBombs;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * A few hundred bytes whose header claims 16 000 x 16 000 pixels or more, in every format
 * ImageIO reads, sent in one datagram, in chunks, and through {@code POST /send/image}:
 * refused before anything is stored, and nothing that serves pictures ever decodes more
 * than its share.
 */
@ServiceTest
// a context of its own (the default max-pixels, named): HostileInputTest's flood from
// 127.0.0.1 in a shared
// context could leave this source's error-reply budget spent, and a bomb's reply dropped
@TestPropertySource(properties = { "udp.transfer.max-image-bytes=64MB", "udp.transfer.max-pixels=50000000" })
@ExtendWith(OutputCaptureExtension.class)
class PixelBombTest extends ServiceTestSupport {

    private static final int[] SIDES = { 16000, 30000, 65535 };

    @Test
    void bombsAreRefusedAndTheLastRealImageStaysServed(CapturedOutput output) throws Exception {
        Http http = http();
        byte[] real = TestImages.jpeg(TestImages.photo(320, 240, 20, 7), 0.9f);
        long failedBefore = failed(http, "too-many-pixels") + failed(http, "undecodable");
        int bombs = 0;
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            client.sendChunked(real);
            assertThat(client.reply()).isEqualTo("get message!!!");
            for (String format : PixelBombs.FORMATS) {
                for (int side : SIDES) {
                    byte[] bomb = PixelBombs.of(format, side, side);
                    client.send(bomb); // whole: one datagram
                    assertThat(client.reply()).as(format + " " + side).startsWith("error: ");
                    client.sendChunked(bomb);
                    assertThat(client.reply()).as(format + " " + side + " chunked").startsWith("error: ");
                    bombs += 2;
                }
            }
        }
        assertThat(failed(http, "too-many-pixels") + failed(http, "undecodable")).isEqualTo(failedBefore + bombs);
        assertThat(failed(http, "too-many-pixels")).isPositive();
        JsonNode images = http.get("/received/images").json();
        assertThat(images.get(0).get("width").asInt()).as("the newest image is the real one").isEqualTo(320);
        images.forEach(image -> assertThat(image.get("width").asInt()).isLessThan(16000));
        Http.Response latest = http.get("/received/latest.png");
        assertThat(latest.status()).isEqualTo(200);
        BufferedImage shown = TestImages.decode(latest.body());
        assertThat(shown.getWidth()).isEqualTo(320);
        assertThat(shown.getHeight()).isEqualTo(240);
        assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
        assertThat(output.getAll()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void bombsAreRefusedBySendImage() {
        Http http = http();
        for (String format : PixelBombs.FORMATS) {
            for (int side : SIDES) {
                byte[] bomb = PixelBombs.of(format, side, side);
                Http.Response upload = http.postFile("/send/image", "file", "bomb." + format, bomb);
                assertThat(upload.status()).as(format + " " + side).isEqualTo(400);
                assertThat(upload.contentType()).isEqualTo("application/problem+json");
                Http.Response raw = http.post("/send/image?mode=whole", "image/" + format, bomb);
                assertThat(raw.status()).as(format + " " + side + " raw").isEqualTo(400);
            }
        }
        assertThat(http.get("/received/images").json().toString()).doesNotContain("16000", "30000", "65535");
    }

    /**
     * Headers within the budget (49 MP) with next to no pixel data: stored, and every
     * rendering decodes them subsampled (200) or refuses them (422), never a 500 or an
     * Error, and in bounded time.
     */
    @Test
    void imagesWithinTheBudgetRenderWithinTheDecodersShare(CapturedOutput output) throws Exception {
        Http http = http();
        InetAddress camera = InetAddress.getByName("127.0.0.77");
        try (LegacyTestClient client = new LegacyTestClient(camera, this.ports.image())) {
            for (String format : new String[] { "png", "gif2", "gif256", "jpeg", "tiff" }) {
                client.send(PixelBombs.of(format, 7000, 7000));
                assertThat(client.reply()).as(format).isEqualTo("get message!!!");
                long id = http.get("/received/images").json().get(0).get("id").asLong();
                long started = System.nanoTime();
                assertThat(http.get("/received/images/" + id + ".png").status()).as(format).isIn(200, 422);
                assertThat(http.get("/received/latest.png").status()).as(format).isIn(200, 422);
                assertThat(http.get("/received/stream.jpg?sender=127.0.0.77").status()).as(format).isIn(200, 404);
                assertThat((System.nanoTime() - started) / 1_000_000).as(format + ": ms to render three times")
                    .isLessThan(30_000);
            }
        }
        assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
        assertThat(output.getAll()).doesNotContain("OutOfMemoryError");
    }

    private static long failed(Http http, String reason) {
        return http.get("/received/stats").json().at("/ports/image/failed/" + reason).asLong();
    }

}
