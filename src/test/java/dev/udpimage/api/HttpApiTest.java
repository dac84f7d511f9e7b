package dev.udpimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.Http;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/** Every HTTP endpoint and its errors, over real HTTP against the running service. */
@ServiceTest
class HttpApiTest extends ServiceTestSupport {

    private static void assertProblem(Http.Response response, int status, String detailPart) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).contains(detailPart);
    }

    // ---- POST /send/image
    // ---------------------------------------------------------------------------------

    @Test
    void uploadedFileIsSentToTheServiceItselfByDefaultAndShowsUpAsLatestPng() {
        BufferedImage cat = TestImages.photo(321, 123, 20, 42);
        byte[] jpeg = TestImages.jpeg(cat, 0.9f);
        Http.Response sent = http().postFile("/send/image", "file", "cat.jpg", jpeg);
        assertThat(sent.status()).as(sent.text()).isEqualTo(200);
        JsonNode result = sent.json();
        assertThat(result.get("target").asString()).isEqualTo("127.0.0.1:" + this.ports.image());
        assertThat(result.get("bytes").asInt()).isEqualTo(jpeg.length);
        assertThat(result.get("datagrams").asInt()).isEqualTo(1 + (jpeg.length + 1023) / 1024);
        assertThat(result.get("reply").asString()).isEqualTo("get message!!!");
        assertThat(result.get("elapsedMs").asLong()).isNotNegative();

        Http.Response png = http().get("/received/latest.png");
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.contentType()).isEqualTo("image/png");
        BufferedImage shown = TestImages.decode(png.body());
        assertThat(shown.getWidth()).isEqualTo(321);
        assertThat(shown.getHeight()).isEqualTo(123);
    }

    @Test
    void rawBodyWholeModeAndChunkSize() {
        byte[] jpeg = TestImages.smallJpeg(43);
        Http.Response whole = http().post("/send/image?mode=whole", "image/jpeg", jpeg);
        assertThat(whole.status()).as(whole.text()).isEqualTo(200);
        assertThat(whole.json().get("datagrams").asInt()).isEqualTo(1);
        assertThat(whole.json().get("reply").asString()).isEqualTo("get message!!!");

        Http.Response big = http().post("/send/image?chunkSize=4096", "image/jpeg", TestImages.mediumJpeg(44));
        assertThat(big.status()).as(big.text()).isEqualTo(200);
        assertThat(big.json().get("reply").asString()).isEqualTo("get message!!!");
        assertThat(big.json().get("datagrams").asInt()).isEqualTo(1 + (big.json().get("bytes").asInt() + 4095) / 4096);
    }

    @Test
    void peerErrorRepliesAreReportedAsTheyCame() {
        // an image sent to a port that takes only JSON: its peer answers with an error
        Http.Response sent = http().postFile("/send/image?mode=whole&port=" + this.ports.list(), "file", "a.jpg",
                TestImages.smallJpeg(46));
        assertThat(sent.status()).as(sent.text()).isEqualTo(200);
        assertThat(sent.json().get("reply").asString()).isEqualTo("error: invalid JSON");
    }

    @Test
    void unusableImageRequestsAre400Problems() {
        assertProblem(http().postFile("/send/image", "file", "empty.jpg", new byte[0]), 400, "empty");
        assertProblem(http().post("/send/image", "image/jpeg", new byte[0]), 400, "empty");
        assertProblem(http().post("/send/image?mode=whole", "image/jpeg", new byte[70_000]), 400, "65507");
        // the tests' udp.transfer.max-image-bytes is 8MB
        byte[] tooLarge = new byte[8 * 1024 * 1024 + 1];
        assertProblem(http().post("/send/image", "image/jpeg", tooLarge), 413, "maximum");
        assertProblem(http().postFile("/send/image", "file", "big.jpg", tooLarge), 413, "maximum");
        byte[] jpeg = TestImages.smallJpeg(45);
        assertProblem(http().postFile("/send/image?port=70000", "file", "a.jpg", jpeg), 400, "port");
        assertProblem(http().postFile("/send/image?port=0", "file", "a.jpg", jpeg), 400, "port");
        assertProblem(http().postFile("/send/image?host=no-such-host.invalid", "file", "a.jpg", jpeg), 400,
                "unknown host");
        assertProblem(http().postFile("/send/image?mode=sideways", "file", "a.jpg", jpeg), 400, "mode");
        assertProblem(http().postFile("/send/image?chunkSize=0", "file", "a.jpg", jpeg), 400, "chunkSize");
        assertProblem(http().postFile("/send/image?chunkSize=65508", "file", "a.jpg", jpeg), 400, "chunkSize");
    }

    @Test
    void noReplyInTimeIs504AndNothingListeningIs502() throws IOException {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            long started = System.nanoTime();
            assertProblem(http().postFile("/send/image?timeoutMs=300&port=" + silent.getLocalPort(), "file", "a.jpg",
                    TestImages.smallJpeg(46)), 504, "no reply");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
            assertProblem(http().postJson("/send/list?timeoutMs=300&port=" + silent.getLocalPort(), "[1]"), 504,
                    "no reply");
        }
        int closedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closedPort = probe.getLocalPort();
        }
        assertProblem(http().postJson("/send/list?timeoutMs=2000&port=" + closedPort, "[1]"), 502, "nothing listens");
    }

    @Test
    void targetsOutsideTheAllowedRangesAre403AndNothingIsSent() {
        byte[] jpeg = TestImages.smallJpeg(47);
        // 192.0.2.0/24 is TEST-NET-1: refused before any datagram leaves
        assertProblem(http().postFile("/send/image?host=192.0.2.1&port=9999", "file", "a.jpg", jpeg), 403,
                "192.0.2.1, which is not in udp.send.allowed-targets");
        assertProblem(http().postJson("/send/list?host=192.0.2.1&port=9998", "[1]"), 403, "not in");
        Http.Response localhost = http().postJson("/send/list?host=localhost", "[2]");
        assertThat(localhost.status()).as("localhost resolves to loopback").isEqualTo(200);
    }

    // ---- POST /send/list
    // ----------------------------------------------------------------------------------

    @Test
    void listIsSentToTheServiceItselfByDefault() {
        Http.Response sent = http().postJson("/send/list", "[0, 0, 0, 9]");
        assertThat(sent.status()).as(sent.text()).isEqualTo(200);
        assertThat(sent.json().get("target").asString()).isEqualTo("127.0.0.1:" + this.ports.list());
        assertThat(sent.json().get("reply").asString()).isEqualTo("get the msg");
        assertThat(http().get("/received/lists/latest").json().get("value").toString()).isEqualTo("[0,0,0,9]");
        assertProblem(http().postJson("/send/list", "[0, 0,"), 400, "");
        assertProblem(http().postJson("/send/list?port=99999", "[1]"), 400, "port");
    }

    // ---- GET /received/**
    // ---------------------------------------------------------------------------------

    @Test
    void receivedImagesAreListedNewestFirstAndServedAsPngAndOriginal() {
        byte[] first = TestImages.jpeg(TestImages.photo(64, 48, 5, 50), 0.9f);
        byte[] second = TestImages.encode(TestImages.photo(80, 60, 5, 51), "png");
        assertThat(http().postFile("/send/image", "file", "1.jpg", first).status()).isEqualTo(200);
        assertThat(http().postFile("/send/image", "file", "2.png", second).status()).isEqualTo(200);

        JsonNode images = http().get("/received/images").json();
        JsonNode newest = images.get(0);
        JsonNode previous = images.get(1);
        assertThat(newest.get("id").asLong()).isGreaterThan(previous.get("id").asLong());
        assertThat(newest.get("format").asString()).isEqualTo("png");
        assertThat(newest.get("width").asInt()).isEqualTo(80);
        assertThat(previous.get("format").asString()).isEqualTo("jpeg");
        for (String field : new String[] { "sender", "receivedAt", "bytes", "datagrams", "height", "transport",
                "transferMs" }) {
            assertThat(newest.has(field)).as(field).isTrue();
        }

        Http.Response original = http().get("/received/images/" + previous.get("id").asLong() + "/original");
        assertThat(original.contentType()).isEqualTo("image/jpeg");
        assertThat(original.body()).isEqualTo(first);
        Http.Response png = http().get("/received/images/" + previous.get("id").asLong() + ".png");
        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(TestImages.decode(png.body()).getWidth()).isEqualTo(64);
        assertThat(http().get("/received/images/" + newest.get("id").asLong() + ".png").body()).isEqualTo(second);

        assertProblem(http().get("/received/images/987654321.png"), 404, "987654321");
        assertProblem(http().get("/received/images/987654321/original"), 404, "987654321");
    }

    @Test
    void anImageWhoseHeaderReadsButWhosePixelsDoNotIsA422WhenRendered() {
        byte[] bmp = TestImages.encode(TestImages.photo(100, 100, 5, 52), "bmp");
        // header intact, pixel rows missing
        byte[] truncated = java.util.Arrays.copyOf(bmp, 2000);
        Http.Response sent = http().post("/send/image", "image/bmp", truncated);
        assertThat(sent.json().get("reply").asString()).isEqualTo("get message!!!");
        long id = http().get("/received/images").json().get(0).get("id").asLong();
        assertProblem(http().get("/received/images/" + id + ".png"), 422, "cannot be decoded");
        assertThat(http().get("/received/images/" + id + "/original").body()).isEqualTo(truncated);
    }

    @Test
    void receivedListsAreListedNewestFirst() {
        http().postJson("/send/list", "[1]");
        http().postJson("/send/list", "{\"a\": [2]}");
        JsonNode lists = http().get("/received/lists").json();
        assertThat(lists.get(0).get("value").toString()).isEqualTo("{\"a\":[2]}");
        assertThat(lists.get(1).get("value").toString()).isEqualTo("[1]");
        assertThat(lists.get(0).get("id").asLong()).isGreaterThan(lists.get(1).get("id").asLong());
        assertThat(http().get("/received/lists/latest").json().get("id").asLong())
            .isEqualTo(lists.get(0).get("id").asLong());
    }

    // ---- docs and actuator
    // --------------------------------------------------------------------------------

    @Test
    void swaggerUiAndOpenApiDescribeEveryEndpoint() {
        Http.Response ui = http().get("/swagger-ui.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.text()).contains("swagger-ui");
        JsonNode api = http().get("/v3/api-docs").json();
        assertThat(api.get("paths").propertyNames()).contains("/send/image", "/send/list", "/received/latest.png",
                "/received/images", "/received/images/{id}.png", "/received/images/{id}/original", "/received/lists",
                "/received/lists/latest");
        JsonNode upload = api.at("/paths/~1send~1image/post/requestBody/content");
        assertThat(upload.has("multipart/form-data")).isTrue();
        assertThat(upload.has("image/*")).isTrue();
        JsonNode fileField = api.at("/components/schemas/Upload/properties/file");
        assertThat(fileField.get("format").asString()).as("a file picker").isEqualTo("binary");
        assertThat(api.at("/paths/~1received~1latest.png/get/responses/200/content").has("image/png")).isTrue();
    }

    @Test
    void actuatorHealthAndInfoAreExposed() {
        Http.Response health = http().get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        Http.Response info = http().get("/actuator/info");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().at("/build/artifact").asString()).isEqualTo("udp-image-service");
    }

}
