package dev.udpimage.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.udpimage.support.Http;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /send/image} with its default parameters to the unmodified Python reference
 * receiver, started fresh: it reads into the default socket buffer, and the service's
 * default pace is one it keeps up with. Every image is answered, after the receiver has
 * decoded it (it answers nothing else). The receiver runs ahead of the machine's other
 * processes: the pace is one it keeps up with when it has its CPU, and failsafe's other
 * test JVM keeps the two cores busy meanwhile.
 */
@ServiceTest
class PacedSendToPythonIT extends ServiceTestSupport {

    @BeforeAll
    static void pythonPeersAvailable() {
        SeedProto.requireAvailable();
    }

    @Test
    void twentyImagesOf200KbAndTwentyOf18MbAreAllDecodedAndAnswered() throws IOException {
        // about 250 KB and 1.8 MB
        byte[] medium = TestImages.jpeg(TestImages.photo(800, 600, 40, 7001), 0.9f);
        byte[] large = TestImages.jpeg(TestImages.photo(1920, 1440, 50, 7002), 0.92f);
        int[] ports = SeedProto.receiverPorts();
        int imagePort = ports[0];
        int listPort = ports[1];
        Process receiver = SeedProto.serverFirstInLine(imagePort, listPort);
        try {
            for (byte[] image : new byte[][] { medium, large }) {
                double rates = 0;
                for (int i = 0; i < 20; i++) {
                    Http.Response sent = http().post("/send/image?port=" + imagePort, "image/jpeg", image);
                    assertThat(sent.status()).as("image %d of %d bytes: %s", i, image.length, sent.text())
                        .isEqualTo(200);
                    JsonNode result = sent.json();
                    assertThat(result.get("reply").asString()).isEqualTo("get message!!!");
                    assertThat(result.get("rate").asDouble()).as("the default pace").isPositive();
                    rates += result.get("megabytesPerSecond").asDouble();
                }
                System.out.printf("20 of 20 images of %d bytes to tutorial_server.py at the default pace: %.1f MB/s%n",
                        image.length, rates / 20);
            }
            assertThat(receiver.isAlive()).as("the receiver decoded every image").isTrue();

            // and the paced Python sender of clients/python, for people whose own
            // receivers drop images
            Path file = Files.createTempFile("paced-", ".jpg");
            Files.write(file, large);
            SeedProto.Result python = SeedProto.legacySender(file.toString(), "127.0.0.1", String.valueOf(imagePort),
                    "--count", "10");
            Files.delete(file);
            assertThat(python.exitCode()).as(python.output()).isZero();
            assertThat(python.output()).contains("answered=10 of 10").contains("rate=6.0");
        }
        finally {
            receiver.destroyForcibly();
        }
    }

}
