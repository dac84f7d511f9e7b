package dev.udpimage.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.udpimage.support.Http;
import dev.udpimage.support.Impairer;
import dev.udpimage.support.LossyRelay;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/** The unmodified Python reference peers against the service, in both directions. */
@ServiceTest
class PythonInteropIT extends ServiceTestSupport {

    @TempDir
    Path dir;

    @BeforeAll
    static void pythonPeersAvailable() {
        SeedProto.requireAvailable();
    }

    private String port(int port) {
        return String.valueOf(port);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(this.dir.resolve(name), bytes);
    }

    private JsonNode newestImage() {
        return http().get("/received/images").json().get(0);
    }

    @Test
    void pythonClientSendsSmallAndMediumJpegsChunked() throws IOException {
        byte[] small = TestImages.smallJpeg(200);
        byte[] medium = TestImages.mediumJpeg(201);
        assertThat(small.length).isBetween(5_000, 20_000);
        assertThat(medium.length).isBetween(120_000, 400_000);
        for (byte[] jpeg : new byte[][] { small, medium }) {
            SeedProto.Result result = SeedProto.client("image", write("frame.jpg", jpeg).toString(), "127.0.0.1",
                    port(this.ports.image()), "20");
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("reply=b'get message!!!' images=20");
            assertThat(newestImage().get("bytes").asInt()).isEqualTo(jpeg.length);
        }
    }

    @Test
    void pythonClientSendsWholeImages() throws IOException {
        byte[] jpeg = TestImages.smallJpeg(202);
        SeedProto.Result result = SeedProto.client("whole", write("whole.jpg", jpeg).toString(), "127.0.0.1",
                port(this.ports.image()), "20");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("reply=b'get message!!!' images=20");
        assertThat(newestImage().get("transport").asString()).isEqualTo("whole");
    }

    @Test
    void pythonClientSendsAnImageWhoseLengthIsAMultipleOf1024() throws IOException {
        byte[] jpeg = TestImages.smallJpeg(203);
        // trailing empty datagram
        byte[] padded = java.util.Arrays.copyOf(jpeg, (jpeg.length / 1024 + 1) * 1024);
        SeedProto.Result result = SeedProto.client("image", write("padded.jpg", padded).toString(), "127.0.0.1",
                port(this.ports.image()), "10");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("reply=b'get message!!!' images=10");
    }

    @Test
    void pythonClientSendsLists() {
        SeedProto.Result result = SeedProto.client("list", "127.0.0.1", port(this.ports.list()), "50");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("reply=b'get the msg' lists=50");
        assertThat(http().get("/received/lists/latest").json().get("value").toString()).isEqualTo("[0,0,0,49]");
    }

    @Test
    void thePythonReliableSenderDeliversBitExactDirectlyAndThroughALossyRelay() throws Exception {
        byte[] jpeg = TestImages.mediumJpeg(206);
        Path file = write("reliable.jpg", jpeg);
        SeedProto.Result direct = SeedProto.reliableSender(file.toString(), "127.0.0.1", port(this.ports.image()));
        assertThat(direct.exitCode()).as(direct.output()).isZero();
        assertThat(direct.output()).startsWith("done: stored bytes=" + jpeg.length);
        assertNewestStoredIs(jpeg);
        try (LossyRelay relay = new LossyRelay(this.ports.image(), new Impairer.Rates(0.05, 0.05, 0.01, 0.001), 9)) {
            SeedProto.Result lossy = SeedProto.reliableSender(file.toString(), "127.0.0.1", port(relay.port()),
                    "--chunk", "1024");
            assertThat(lossy.exitCode()).as(lossy.output()).isZero();
            assertThat(lossy.output()).doesNotContain("retransmissions=0 ");
            assertNewestStoredIs(jpeg);
        }
        Path junk = write("junk.bin", new byte[5000]);
        SeedProto.Result refused = SeedProto.reliableSender(junk.toString(), "127.0.0.1", port(this.ports.image()));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.output()).contains("refused the image (status 2)");
    }

    private void assertNewestStoredIs(byte[] image) {
        JsonNode newest = newestImage();
        assertThat(newest.get("transport").asString()).isEqualTo("reliable");
        byte[] stored = http().get("/received/images/" + newest.get("id").asLong() + "/original").body();
        assertThat(TestImages.sha256(stored)).isEqualTo(TestImages.sha256(image));
    }

    @Test
    void serviceSendsImagesAndListsToThePythonReferenceReceiver() throws IOException {
        int[] ports = SeedProto.receiverPorts();
        int imagePort = ports[0];
        int listPort = ports[1];
        Process server = SeedProto.server(imagePort, listPort);
        try {
            Http http = http();
            for (byte[] jpeg : new byte[][] { TestImages.smallJpeg(204),
                    TestImages.jpeg(TestImages.photo(320, 240, 20, 205), 0.9f) }) {
                Http.Response sent = http.postFile("/send/image?port=" + imagePort, "file", "a.jpg", jpeg);
                assertThat(sent.status()).as(sent.text()).isEqualTo(200);
                assertThat(sent.json().get("reply").asString()).isEqualTo("get message!!!");
                assertThat(sent.json().get("bytes").asInt()).isEqualTo(jpeg.length);
            }
            Http.Response list = http.postJson("/send/list?port=" + listPort, "[0, 0, 0, 7]");
            assertThat(list.status()).as(list.text()).isEqualTo(200);
            assertThat(list.json().get("reply").asString()).isEqualTo("get the msg");
            assertThat(server.isAlive()).isTrue();
        }
        finally {
            server.destroyForcibly();
        }
    }

}
