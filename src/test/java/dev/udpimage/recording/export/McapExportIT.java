package dev.udpimage.recording.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.LocalClusterStore;
import dev.udpimage.support.LocalPostgres;
import dev.udpimage.support.ServiceProcess;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCAP export as a robot developer uses it, on both backends at once: a camera and a
 * list sender on one address, as the tutorial's two clients, send for 12 s to the cluster
 * backend (this test's context, on PostgreSQL and S3Mock) and to the file backend (a
 * service process of its own), in segments of 2 s; 8 s of each recording exported as MCAP
 * and read by Foxglove's own readers ({@link McapReaders}: {@code @mcap/core} validates
 * the magic, every CRC, the summary and the indexes). The image channel holds exactly the
 * frames recorded in the range, byte for byte as sent, each at its received time; the
 * list channel exactly the lists recorded in the range, in order. Then the list at 50
 * random instants, and the ROS 2 profile decoded as ROS 2 tools decode it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("cluster")
class McapExportIT extends ServiceTestSupport {

    private static final Duration SENDING = Duration.ofSeconds(12);

    /** The range exported: from this long after the first reply... */
    private static final Duration RANGE_START = Duration.ofSeconds(2);

    /** ...for this long (several segments, more than one MCAP chunk of 1 MB). */
    private static final Duration RANGE = Duration.ofSeconds(8);

    private static final String CLUSTER_CAMERA = "127.0.0.63";

    private static final String FILE_CAMERA = "127.0.0.64";

    private static final byte[] FRAME = TestImages.smallJpeg(63);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A frame or list acknowledged: when it left, when its reply came, what it was. */
    record Sent(Instant sent, Instant acknowledged, byte[] bytes) {
    }

    /** What one camera address sent. */
    record Sending(List<Sent> frames, List<Sent> lists) {
    }

    private static final Map<String, Sending> sent = new HashMap<>();

    private static ServiceProcess fileService;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        Commands.require(LocalPostgres.available(), "no PostgreSQL server (apt-get install postgresql); CI has one");
        // held frames and sealed segments both in the range
        LocalClusterStore.register(registry,
                Map.of("udp.recording.segment-duration", "2s", "udp.recording.seal-interval", "1s"));
    }

    @AfterAll
    static void stop() {
        if (fileService != null) {
            fileService.close();
        }
    }

    /** Both backends' 12 s, sent at once, the first time a test asks. */
    private synchronized void sendOnce() throws Exception {
        if (!sent.isEmpty()) {
            return;
        }
        McapReaders.install();
        Path dir = Files.createTempDirectory(Path.of("target"), "mcap-export");
        fileService = ServiceProcess.start(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), dir.resolve("service.log"),
                "--udp.store.dir=" + dir.resolve("store"), "--udp.recording.segment-duration=2s");
        List<CompletableFuture<List<Sent>>> sending = List.of(
                CompletableFuture.supplyAsync(() -> frames(CLUSTER_CAMERA, this.ports.image())),
                CompletableFuture.supplyAsync(() -> lists(CLUSTER_CAMERA, this.ports.list())),
                CompletableFuture.supplyAsync(() -> frames(FILE_CAMERA, fileService.imagePort())),
                CompletableFuture.supplyAsync(() -> lists(FILE_CAMERA, fileService.listPort())));
        sent.put(CLUSTER_CAMERA, new Sending(sending.get(0).get(), sending.get(1).get()));
        sent.put(FILE_CAMERA, new Sending(sending.get(2).get(), sending.get(3).get()));
        // the last frames sealed on the cluster
        Thread.sleep(1500);
    }

    /** The camera: 25 frames a second, each with its number in a JPEG comment. */
    private static List<Sent> frames(String camera, int port) {
        return paced(camera, port, 25, i -> TestImages.withComment(FRAME, camera + "/" + i), "get message!!!", true);
    }

    /** The robot: a list every 100 ms, as udp_client_2.py sends them. */
    private static List<Sent> lists(String camera, int port) {
        return paced(camera, port, 10, i -> ("[" + i + ", " + (i * 0.25) + ", 0, 7]").getBytes(StandardCharsets.UTF_8),
                "get the msg", false);
    }

    interface Payload {

        byte[] of(int i);

    }

    private static List<Sent> paced(String camera, int port, int perSecond, Payload payload, String reply,
            boolean chunked) {
        List<Sent> acknowledged = new ArrayList<>();
        long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long start = System.nanoTime();
        try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(camera), port)) {
            for (int i = 0; System.nanoTime() - start < SENDING.toNanos(); i++) {
                long wait = start + i * period - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                byte[] bytes = payload.of(i);
                Instant before = Instant.now();
                if (chunked) {
                    client.sendChunked(bytes);
                }
                else {
                    client.send(bytes);
                }
                if (reply.equals(client.reply(Duration.ofSeconds(2)))) {
                    acknowledged.add(new Sent(before, Instant.now(), bytes));
                }
            }
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        return acknowledged;
    }

    @Test
    void theClusterBackendsExportHoldsTheFramesAndListsRecordedInTheRange() throws Exception {
        sendOnce();
        checkExport(http(), CLUSTER_CAMERA, "foxglove");
    }

    @Test
    void theFileBackendsExportHoldsTheFramesAndListsRecordedInTheRange() throws Exception {
        sendOnce();
        checkExport(fileService.http(), FILE_CAMERA, "foxglove");
    }

    @Test
    void theRos2ProfileIsReadByTheRos2Decoders() throws Exception {
        sendOnce();
        checkExport(fileService.http(), FILE_CAMERA, "ros2");
    }

    @Test
    void theListAtAnInstantIsTheOneReceivedLastAtOrBeforeIt() throws Exception {
        sendOnce();
        for (String camera : List.of(CLUSTER_CAMERA, FILE_CAMERA)) {
            Http http = camera.equals(FILE_CAMERA) ? fileService.http() : http();
            List<JsonNode> recorded = recordedLists(http, camera, Instant.EPOCH, Instant.now());
            List<Sent> lists = sent.get(camera).lists();
            assertThat(recorded).as("every acknowledged list recorded").hasSameSizeAs(lists);
            Random random = new Random(camera.hashCode());
            Instant first = time(recorded.get(0));
            long span = Duration.between(first, time(recorded.get(recorded.size() - 1))).toNanos();
            for (int i = 0; i < 50; i++) {
                Instant at = first.plusNanos(random.nextLong(span + 1_000_000));
                JsonNode expected = recorded.stream()
                    .filter(list -> !time(list).isAfter(at))
                    .reduce((a, b) -> b)
                    .orElseThrow();
                Http.Response found = http.get("/recordings/lists?sender=" + camera + "&at=" + at);
                assertThat(found.status()).as("the list at " + at).isEqualTo(200);
                assertThat(found.contentType()).startsWith("application/json");
                assertThat(found.json()).as("the list at " + at).isEqualTo(expected);
            }
            Http.Response before = http.get("/recordings/lists?sender=" + camera + "&at=" + first.minusMillis(1));
            assertThat(before.status()).as("nothing before the first").isEqualTo(404);
            assertThat(before.contentType()).startsWith("application/problem+json");
        }
    }

    /**
     * Exports 8 s from 2 s after the first reply and checks what Foxglove's readers read
     * against what the service says it recorded in the range and what was sent.
     */
    private void checkExport(Http http, String camera, String profile) throws IOException {
        Sending sending = sent.get(camera);
        long seconds = SENDING.toSeconds() - 2;
        assertThat(sending.frames()).as("frames acknowledged").hasSizeGreaterThan((int) (25 * seconds));
        assertThat(sending.lists()).as("lists acknowledged").hasSizeGreaterThan((int) (10 * seconds));
        Instant from = sending.frames().get(0).acknowledged().plus(RANGE_START);
        Instant to = from.plus(RANGE);

        JsonNode frames = http
            .get("/recordings/frames?sender=" + camera + "&from=" + from + "&to=" + to + "&limit=10000")
            .json();
        List<JsonNode> lists = recordedLists(http, camera, from, to);
        // what was acknowledged well inside the range was recorded there
        assertThat(frames.size()).as("frames recorded in the range")
            .isBetween(inside(sending.frames(), from, to), touching(sending.frames(), from, to));
        assertThat(lists.size()).as("lists recorded in the range")
            .isBetween(inside(sending.lists(), from, to), touching(sending.lists(), from, to));

        Http.Response export = http.get("/recordings/export?sender=" + camera + "&from=" + from + "&to=" + to
                + "&format=mcap" + ("ros2".equals(profile) ? "&profile=ros2" : ""));
        assertThat(export.status()).as(export.text()).isEqualTo(200);
        assertThat(export.header("Content-Disposition")).startsWith("attachment").endsWith(".mcap\"");
        Path file = Files.createTempFile(Path.of("target"), "export-" + camera, ".mcap");
        Files.write(file, export.body());
        List<JsonNode> read = McapReaders.read(file);

        String images = McapExport.topic(camera, "image");
        String listTopic = McapExport.topic(camera, "lists");
        assertThat(images).isEqualTo("/udp/c" + camera.replace('.', '_') + "/image");
        JsonNode summary = McapReaders.lines(read, "reader", "summary").get(0);
        assertThat(summary.path("profile").asString()).isEqualTo("ros2".equals(profile) ? "ros2" : "");
        assertThat(summary.path("counts").path(images).asInt()).isEqualTo(frames.size());
        assertThat(summary.path("counts").path(listTopic).asInt()).isEqualTo(lists.size());
        assertThat(summary.path("chunks").asInt()).as("chunks, indexed").isGreaterThan(1);
        assertThat(McapReaders.lines(read, "check", "data-section-crc").get(0).path("ok").asBoolean()).isTrue();

        // the indexed reader, in log time order per topic: the frames as recorded
        List<JsonNode> imageMessages = topic(McapReaders.lines(read, "reader", "indexed-topic"), images);
        assertThat(imageMessages).hasSize(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(nanos(imageMessages.get(i).path("logTime"))).as("frame %d's log time", i)
                .isEqualTo(nanos(time(frames.get(i))));
        }
        Map<String, byte[]> bySha = new HashMap<>();
        sending.frames().forEach(s -> bySha.put(TestImages.sha256(s.bytes()), s.bytes()));
        List<JsonNode> decodedImages = topic(McapReaders.lines(read, "check", "ros2".equals(profile) ? "ros2" : "json"),
                images);
        assertThat(decodedImages).hasSize(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            JsonNode image = decodedImages.get(i);
            assertThat(bySha).as("frame %d's bytes are a frame sent, as sent", i)
                .containsKey(image.path("sha256").asString());
            assertThat(image.path("format").asString()).isEqualTo("jpeg");
            assertThat(image.path("frameId").asString()).isEqualTo(camera);
            assertThat(image.path("sec").asLong() * 1_000_000_000L + image.path("nsec").asLong())
                .isEqualTo(nanos(time(frames.get(i))));
            if (i % 50 == 0) {
                Http.Response recorded = http.get("/recordings/frame?sender=" + camera + "&at=" + time(frames.get(i)));
                assertThat(TestImages.sha256(recorded.body())).as("frame %d is the one recorded then", i)
                    .isEqualTo(image.path("sha256").asString());
            }
        }
        // the lists, in order, their values as sent
        List<JsonNode> listMessages = topic(McapReaders.lines(read, "reader", "indexed-topic"), listTopic);
        List<JsonNode> decodedLists = topic(McapReaders.lines(read, "check", "ros2".equals(profile) ? "ros2" : "json"),
                listTopic);
        assertThat(listMessages).hasSize(lists.size());
        assertThat(decodedLists).hasSize(lists.size());
        for (int i = 0; i < lists.size(); i++) {
            assertThat(nanos(listMessages.get(i).path("logTime"))).isEqualTo(nanos(time(lists.get(i))));
            JsonNode value = "ros2".equals(profile) ? decodedLists.get(i).path("json")
                    : decodedLists.get(i).path("json").path("value");
            // JavaScript's JSON.parse reads 13.0 as 13: compared as numbers
            assertThat(numbers(value)).as("list %d", i).isEqualTo(numbers(lists.get(i).path("value")));
            if (!"ros2".equals(profile)) {
                assertThat(Instant.parse(decodedLists.get(i).path("json").path("receivedAt").asString()))
                    .isEqualTo(time(lists.get(i)));
            }
        }
        List<Integer> counters = lists.stream().map(list -> list.path("value").get(0).asInt()).toList();
        assertThat(counters).as("the lists in the order sent, none missing").isSorted();
        assertThat(counters.get(counters.size() - 1) - counters.get(0)).isEqualTo(counters.size() - 1);
        Files.delete(file);
    }

    /** How many were sent and acknowledged within the range. */
    private static int inside(List<Sent> sent, Instant from, Instant to) {
        return (int) sent.stream().filter(s -> s.sent().isAfter(from) && s.acknowledged().isBefore(to)).count();
    }

    /** How many were on their way at some time within the range. */
    private static int touching(List<Sent> sent, Instant from, Instant to) {
        return (int) sent.stream().filter(s -> s.acknowledged().isAfter(from) && s.sent().isBefore(to)).count();
    }

    private static List<JsonNode> recordedLists(Http http, String camera, Instant from, Instant to) {
        Http.Response response = http.get("/recordings/lists?sender=" + camera + "&from=" + from + "&to=" + to);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lists = new ArrayList<>();
        for (String line : response.text().split("\n")) {
            if (!line.isBlank()) {
                lists.add(JSON.readTree(line));
            }
        }
        return lists;
    }

    private static List<Double> numbers(JsonNode array) {
        assertThat(array.isArray()).as(array.toString()).isTrue();
        List<Double> numbers = new ArrayList<>();
        array.forEach(number -> numbers.add(number.asDouble()));
        return numbers;
    }

    private static List<JsonNode> topic(List<JsonNode> lines, String topic) {
        return lines.stream().filter(line -> line.path("topic").asString().equals(topic)).toList();
    }

    private static Instant time(JsonNode recorded) {
        return Instant.parse(recorded.path("receivedAt").asString());
    }

    private static long nanos(JsonNode logTime) {
        return Long.parseLong(logTime.asString());
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

}
