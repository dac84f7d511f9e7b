package dev.udpimage.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.udpimage.udp.BatchedInboundAdapter;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * The UDP receive path end to end: legacy datagrams in, replies out, results visible over
 * HTTP.
 */
@ServiceTest
class ReceivePathTest extends ServiceTestSupport {

    private static final String OK = "get message!!!";

    @Autowired
    MeterRegistry meters;

    @Autowired
    BatchedInboundAdapter imageInbound;

    /** The newest image the service reports for this client. */
    private JsonNode newestFrom(LegacyTestClient client) {
        return StreamSupport.stream(http().get("/received/images").json().spliterator(), false)
            .filter(image -> image.get("sender").asString().equals(client.address()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no image from " + client.address()));
    }

    private void assertStoredExactly(LegacyTestClient client, byte[] sent, String transport) {
        JsonNode image = newestFrom(client);
        assertThat(image.get("bytes").asInt()).isEqualTo(sent.length);
        assertThat(image.get("transport").asString()).isEqualTo(transport);
        byte[] original = http().get("/received/images/" + image.get("id").asLong() + "/original").body();
        assertThat(TestImages.sha256(original)).isEqualTo(TestImages.sha256(sent));
    }

    @Test
    void smallAndMediumJpegsChunkedLikeThePythonClient() {
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            for (byte[] jpeg : List.of(TestImages.smallJpeg(1), TestImages.mediumJpeg(2))) {
                int datagrams = client.sendChunked(jpeg);
                assertThat(client.reply()).isEqualTo(OK);
                assertThat(client.lastReplySource().getPort()).as("reply leaves from the image port")
                    .isEqualTo(this.ports.image());
                assertStoredExactly(client, jpeg, "chunked");
                JsonNode image = newestFrom(client);
                assertThat(image.get("format").asString()).isEqualTo("jpeg");
                assertThat(image.get("datagrams").asInt()).as("header + chunks").isEqualTo(datagrams);
            }
        }
    }

    @Test
    void trailingEmptyDatagramOfAMultipleOf1024IsIgnored() {
        byte[] jpeg = padToMultipleOf1024(TestImages.smallJpeg(3));
        assertThat(jpeg.length % 1024).isZero();
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            for (int i = 0; i < 3; i++) {
                client.sendChunked(jpeg); // ends with an empty datagram
                assertThat(client.reply()).isEqualTo(OK);
                assertThat(client.reply(Duration.ofMillis(300))).as("no reply to the empty datagram").isNull();
            }
            assertStoredExactly(client, jpeg, "chunked");
        }
    }

    @Test
    void wholeImagesInOneDatagramInEveryImageIoFormat() {
        BufferedImage picture = TestImages.photo(120, 90, 10, 4);
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            for (String format : List.of("jpeg", "png", "bmp", "gif")) {
                byte[] bytes = "jpeg".equals(format) ? TestImages.jpeg(picture, 0.8f)
                        : TestImages.encode(picture, format);
                assertThat(bytes.length).isLessThanOrEqualTo(65_507);
                client.send(bytes);
                assertThat(client.reply()).as(format).isEqualTo(OK);
                assertStoredExactly(client, bytes, "whole");
                JsonNode image = newestFrom(client);
                assertThat(image.get("format").asString()).isEqualTo(format);
                assertThat(image.get("width").asInt()).isEqualTo(120);
                assertThat(image.get("height").asInt()).isEqualTo(90);
            }
        }
    }

    @Test
    void latestImageIsVisibleOverHttpWhenTheReplyArrives() {
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            for (int i = 0; i < 5; i++) {
                BufferedImage picture = TestImages.photo(100 + i, 80 + i, 10, 10 + i);
                client.sendChunked(TestImages.jpeg(picture, 0.9f));
                assertThat(client.reply()).isEqualTo(OK);
                Http.Response png = http().get("/received/latest.png");
                assertThat(png.status()).isEqualTo(200);
                assertThat(png.contentType()).isEqualTo("image/png");
                BufferedImage shown = TestImages.decode(png.body());
                assertThat(shown.getWidth()).isEqualTo(100 + i);
                assertThat(shown.getHeight()).isEqualTo(80 + i);
            }
        }
    }

    @Test
    void multiMegabyteImagesStreamedBackToBackArriveInOrder() {
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            for (int i = 0; i < 4; i++) {
                byte[] jpeg = TestImages.largeJpeg(100 + i);
                assertThat(jpeg.length).isGreaterThan(2_000_000);
                client.sendChunked(jpeg); // ~3 000 datagrams, no pacing
                assertThat(client.reply()).isEqualTo(OK);
                assertStoredExactly(client, jpeg, "chunked");
            }
        }
    }

    @Test
    void interleavedSendersOnOnePortEachGetTheirOwnImage() {
        byte[] first = TestImages.mediumJpeg(20);
        byte[] second = TestImages.mediumJpeg(21);
        try (LegacyTestClient a = new LegacyTestClient(this.ports.image());
                LegacyTestClient b = new LegacyTestClient(this.ports.image())) {
            a.send(header(first.length));
            b.send(header(second.length));
            int chunks = Math.max(first.length, second.length) / 1024 + 1;
            for (int i = 0; i < chunks; i++) { // alternate a chunk of each
                sendChunk(a, first, i);
                sendChunk(b, second, i);
            }
            assertThat(a.reply()).isEqualTo(OK);
            assertThat(b.reply()).isEqualTo(OK);
            assertStoredExactly(a, first, "chunked");
            assertStoredExactly(b, second, "chunked");
        }
    }

    @Test
    void manyClientsSendingAtOnceEachGetTheirOwnIntactImages() throws Exception {
        int clients = 16;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int seed = 300 + c;
                results.add(pool.submit(() -> {
                    try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
                        for (int i = 0; i < 5; i++) {
                            byte[] jpeg = TestImages.jpeg(TestImages.photo(300 + i, 200, 30, seed * 10 + i), 0.9f);
                            client.sendChunked(jpeg);
                            assertThat(client.reply()).isEqualTo(OK);
                            assertStoredExactly(client, jpeg, "chunked");
                        }
                        return 5;
                    }
                }));
            }
            int completed = 0;
            for (Future<Integer> result : results) {
                completed += result.get(60, TimeUnit.SECONDS);
            }
            assertThat(completed).isEqualTo(clients * 5);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void undecodableImageGetsAnErrorReplyAndTheSenderCarriesOn() {
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            byte[] garbage = new byte[5000];
            Arrays.fill(garbage, (byte) 7);
            client.sendChunked(garbage);
            assertThat(client.reply()).startsWith("error: ").contains("not an image");

            byte[] fake = new byte[2000]; // a JPEG signature, then no JPEG
            new java.util.Random(5).nextBytes(fake);
            fake[0] = (byte) 0xFF;
            fake[1] = (byte) 0xD8;
            fake[2] = (byte) 0xFF;
            client.send(fake);
            assertThat(client.reply()).startsWith("error: undecodable jpeg");

            byte[] jpeg = TestImages.smallJpeg(6);
            client.sendChunked(jpeg);
            assertThat(client.reply()).isEqualTo(OK);
            assertStoredExactly(client, jpeg, "chunked");
        }
        assertThat(failures("image", "undecodable")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void headerOutOfRangeIsRejected() {
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            client.send(header(-1));
            assertThat(client.reply()).startsWith("error: header claims -1 bytes");
            client.send(header(0));
            assertThat(client.reply()).startsWith("error: header claims 0 bytes");
            client.send(header(1L << 62));
            assertThat(client.reply()).startsWith("error: header claims").contains("more than the maximum");

            byte[] jpeg = TestImages.smallJpeg(7);
            client.sendChunked(jpeg);
            assertThat(client.reply()).isEqualTo(OK);
        }
    }

    @Test
    void stalledTransferIsDiscardedAndTheSenderCanStartAgain() throws InterruptedException {
        double before = failures("image", "stalled");
        byte[] jpeg = TestImages.mediumJpeg(8);
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            client.send(header(jpeg.length));
            client.send(Arrays.copyOf(jpeg, 1024)); // then the rest is "lost"
            assertThat(client.reply(Duration.ofMillis(300))).isNull();
            // the stall timeout in tests is 500 ms
            await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(failures("image", "stalled")).isEqualTo(before + 1));

            client.sendChunked(jpeg);
            assertThat(client.reply()).isEqualTo(OK);
            assertStoredExactly(client, jpeg, "chunked");
        }
    }

    @Test
    void portsKeepWorkingAfterTheAdapterIsStoppedAndStarted() throws InterruptedException {
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            this.imageInbound.stop();
            assertThat(this.imageInbound.isRunning()).isFalse();
            byte[] whileStopped = TestImages.smallJpeg(9);
            client.send(whileStopped);
            assertThat(client.reply(Duration.ofMillis(300))).as("no reply while stopped").isNull();

            this.imageInbound.start(); // the socket kept what arrived meanwhile
            assertThat(client.reply()).isEqualTo(OK);
            assertStoredExactly(client, whileStopped, "whole");

            // and at once again: the old loop may not have seen the first wake-up yet
            this.imageInbound.stop();
            this.imageInbound.start();
            byte[] jpeg = TestImages.smallJpeg(10);
            client.sendChunked(jpeg);
            assertThat(client.reply()).isEqualTo(OK);
            assertStoredExactly(client, jpeg, "chunked");
        }
    }

    @Test
    void listsAreParsedStoredAndAcknowledged() {
        try (LegacyTestClient client = new LegacyTestClient(this.ports.list())) {
            client.send("[0, 0, 0, 7]");
            assertThat(client.reply()).isEqualTo("get the msg");
            assertThat(client.lastReplySource().getPort()).as("reply leaves from the list port")
                .isEqualTo(this.ports.list());
            JsonNode latest = http().get("/received/lists/latest").json();
            assertThat(latest.get("sender").asString()).isEqualTo(client.address());
            assertThat(latest.get("value").toString()).isEqualTo("[0,0,0,7]");

            // the tutorial sends dicts the same way
            client.send("{\"name\": \"camera-1\", \"frame\": 12}");
            assertThat(client.reply()).isEqualTo("get the msg");
            assertThat(http().get("/received/lists/latest").json().get("value").get("frame").asInt()).isEqualTo(12);
        }
        assertThat(this.meters.find("udp.transfers.completed").tag("port", "list").counter().count()).isPositive();
        assertThat(this.meters.find("udp.transfer.duration").tag("port", "list").timer())
            .as("a list is one datagram: no transfer duration")
            .isNull();
    }

    @Test
    void invalidJsonGetsAnErrorReplyAndTheSenderCarriesOn() {
        double before = failures("list", "invalid-json");
        try (LegacyTestClient client = new LegacyTestClient(this.ports.list())) {
            List<byte[]> bad = new ArrayList<>();
            bad.add("[0, 0, 0".getBytes());
            // invalid UTF-8
            bad.add(new byte[] { '[', '"', (byte) 0xC3, (byte) 0x28, '"', ']' });
            bad.add(new byte[0]);
            bad.add("[".repeat(5000).getBytes());
            for (byte[] datagram : bad) {
                client.send(datagram);
                assertThat(client.reply()).startsWith("error: invalid JSON");
            }
            client.send("[1, 2, 3]");
            assertThat(client.reply()).isEqualTo("get the msg");
        }
        assertThat(failures("list", "invalid-json")).isEqualTo(before + 4);
    }

    private double failures(String port, String reason) {
        var counter = this.meters.find("udp.transfers.failed").tag("port", port).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    static byte[] header(long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }

    private static void sendChunk(LegacyTestClient client, byte[] image, int index) {
        int from = index * 1024;
        if (from < image.length) {
            client.send(Arrays.copyOfRange(image, from, Math.min(image.length, from + 1024)));
        }
    }

    /**
     * JPEG decoders ignore bytes after the end-of-image marker, so padding keeps it a
     * valid image.
     */
    private static byte[] padToMultipleOf1024(byte[] jpeg) {
        return Arrays.copyOf(jpeg, (jpeg.length / 1024 + 1) * 1024);
    }

}
