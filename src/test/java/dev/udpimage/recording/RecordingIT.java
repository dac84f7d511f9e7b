package dev.udpimage.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.Ffmpeg;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Four cameras, each on a loopback address of its own, send distinct 10 KB frames at 25
 * fps for 25 s in the tutorial's protocol; then the recording is read back as a user
 * would: {@code /recordings}, frames found by time, a 20 s export read by ffmpeg and
 * ffprobe, a replay at 4x read by ffmpeg, and the retention of two cameras with overrides
 * of their own (15 s, and 1 MB), in 5 s segments.
 */
@ServiceTest
@TestPropertySource(properties = { "udp.recording.segment-duration=5s", "udp.recording.retention-interval=1s",
        "udp.recording.cameras[127.0.0.23].retention=15s", "udp.recording.cameras[127.0.0.24].max-bytes=3MB" })
class RecordingIT extends ServiceTestSupport {

    private static final Duration SENDING = Duration.ofSeconds(25);

    private static final String[] CAMERAS = { "127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24" };

    private static final byte[] FRAME = TestImages.smallJpeg(27);

    /**
     * A frame sent: when its first datagram left, when its reply came, its bytes' MD5.
     */
    private record Sent(Instant sent, Instant acknowledged, String md5, byte[] bytes) {
    }

    private static final Map<String, List<Sent>> acknowledged = new ConcurrentHashMap<>();

    private static Instant started;

    private static Instant ended;

    private static JsonNode afterSending;

    private static Instant checked;

    @BeforeAll
    static void tools() {
        Ffmpeg.require();
    }

    /** Sends once for every test of the class (they share the context). */
    private synchronized void sendOnce() throws Exception {
        if (started != null) {
            return;
        }
        started = Instant.now();
        List<Thread> threads = new ArrayList<>();
        for (String camera : CAMERAS) {
            Thread thread = new Thread(() -> send(camera), "camera " + camera);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        ended = Instant.now();
        // the retention pass runs every second; what it kept, as sending ends (a camera
        // of 15 s is gone 15 s later)
        Thread.sleep(1500);
        afterSending = http().get("/recordings").json();
        checked = Instant.now();
    }

    private void send(String camera) {
        List<Sent> sent = new ArrayList<>();
        long period = TimeUnit.SECONDS.toNanos(1) / 25;
        long start = System.nanoTime();
        try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(camera), this.ports.image())) {
            for (int i = 0; System.nanoTime() - start < SENDING.toNanos(); i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                byte[] frame = TestImages.withComment(FRAME, camera + "/" + i);
                Instant before = Instant.now();
                client.sendChunked(frame);
                if ("get message!!!".equals(client.reply(Duration.ofSeconds(2)))) {
                    sent.add(new Sent(before, Instant.now(), md5(frame), frame));
                }
            }
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        acknowledged.put(camera, sent);
    }

    @Test
    void everyAcknowledgedFrameIsRecordedAndFoundByTime() throws Exception {
        sendOnce();
        Http http = http();
        JsonNode cameras = http.get("/recordings").json();
        for (String camera : new String[] { "127.0.0.21", "127.0.0.22" }) {
            JsonNode entry = entry(cameras, camera);
            assertThat(entry).as("/recordings lists " + camera).isNotNull();
            List<Sent> sent = acknowledged.get(camera);
            assertThat(sent).as("frames acknowledged to " + camera).hasSizeGreaterThan(25 * 23);
            assertThat(entry.get("frames").asLong()).as("frames recorded of " + camera).isEqualTo(sent.size());
            assertThat(entry.get("segments").asInt()).as("5 s segments of 25 s").isBetween(5, 7);
            // 50 random instants, none inside a transfer (where which frame was last is
            // undecided): the frame acknowledged last before each
            Random random = new Random(camera.hashCode());
            long span = Duration.between(sent.get(0).acknowledged(), ended).toMillis();
            int checked = 0;
            while (checked < 50) {
                Instant at = sent.get(0).acknowledged().plusMillis(random.nextLong(span));
                if (sent.stream().anyMatch(s -> !at.isBefore(s.sent()) && !at.isAfter(s.acknowledged()))) {
                    continue;
                }
                Sent expected = sent.stream()
                    .filter(s -> s.acknowledged().isBefore(at))
                    .reduce((a, b) -> b)
                    .orElseThrow();
                Http.Response frame = http.get("/recordings/frame?sender=" + camera + "&at=" + at);
                assertThat(frame.status()).as("frame at " + at).isEqualTo(200);
                assertThat(frame.contentType()).startsWith("image/jpeg");
                assertThat(md5(frame.body())).as("the frame of " + camera + " at " + at).isEqualTo(expected.md5());
                Instant time = Instant.parse(frame.header("X-Frame-Time"));
                assertThat(time).isBetween(expected.sent(), expected.acknowledged());
                checked++;
            }
        }
        Http.Response before = http.get("/recordings/frame?sender=127.0.0.21&at=" + started.minusSeconds(60));
        assertThat(before.status()).as("nothing that old").isEqualTo(404);
        assertThat(before.contentType()).startsWith("application/problem+json");
    }

    @Test
    void anExportOf20sIsMjpegWithEveryRecordedFrameAsSent() throws Exception {
        sendOnce();
        String camera = "127.0.0.21";
        Instant from = started.plusSeconds(3);
        Instant to = from.plusSeconds(20);
        // what the recording holds in the range, page by page
        List<String> recorded = new ArrayList<>();
        String next = "/recordings/frames?sender=" + camera + "&from=" + from + "&to=" + to + "&limit=200";
        while (next != null) {
            Http.Response page = http().get(next);
            assertThat(page.status()).isEqualTo(200);
            for (JsonNode frame : page.json()) {
                Http.Response bytes = http()
                    .get("/recordings/frame?sender=" + camera + "&at=" + frame.get("receivedAt").asString());
                recorded.add(md5(bytes.body()));
                assertThat(frame.get("format").asString()).isEqualTo("jpeg");
                assertThat(frame.get("width").asInt()).isEqualTo(200);
            }
            String link = page.header("Link");
            next = link == null ? null : link.substring(1, link.indexOf('>'));
        }
        List<String> sentMd5s = acknowledged.get(camera).stream().map(Sent::md5).toList();
        assertThat(recorded).as("frames recorded in 20 s").hasSizeBetween(25 * 19, 25 * 21);
        assertThat(sentMd5s).containsAll(recorded);

        Path file = Files.createTempFile("export", ".mkv");
        Http.Response export = http().get("/recordings/export?sender=" + camera + "&from=" + from + "&to=" + to);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.header("Content-Disposition")).startsWith("attachment").contains(".mkv");
        Files.write(file, export.body());
        assertThat(Ffmpeg.codec(file)).isEqualTo("mjpeg");
        assertThat(Ffmpeg.packetMd5s(60, "-i", file.toString())).as("the export's frames, byte for byte")
            .isEqualTo(recorded);
        assertThat(Ffmpeg.duration(file)).as("the export's duration (s)")
            .isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.6));

        Http.Response mp4 = http()
            .get("/recordings/export?sender=" + camera + "&from=" + from + "&to=" + to + "&format=mp4");
        assertThat(mp4.status()).isEqualTo(200);
        Path mp4File = Files.createTempFile("export", ".mp4");
        Files.write(mp4File, mp4.body());
        assertThat(Ffmpeg.codec(mp4File)).isEqualTo("mjpeg");
        assertThat(Ffmpeg.packetMd5s(60, "-i", mp4File.toString())).as("the MP4's frames, byte for byte")
            .isEqualTo(recorded);
        Files.delete(file);
        Files.delete(mp4File);
    }

    @Test
    void aReplayAt4xDeliversEveryFrameToFfmpegInAQuarterOfTheTime() throws Exception {
        sendOnce();
        String camera = "127.0.0.22";
        Instant from = started.plusSeconds(5);
        Instant to = from.plusSeconds(16);
        int recorded = 0;
        for (JsonNode ignored : http()
            .get("/recordings/frames?sender=" + camera + "&from=" + from + "&to=" + to + "&limit=10000")
            .json()) {
            recorded++;
        }
        String url = "http://127.0.0.1:" + this.httpPort + "/recordings/replay.mjpeg?sender=" + camera + "&from=" + from
                + "&to=" + to + "&speed=4";
        long start = System.nanoTime();
        List<String> frames = Ffmpeg.packetMd5s(60, "-f", "mpjpeg", "-i", url);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("replay of 16 s at 4x: %d of %d frames in %.2f s%n", frames.size(), recorded, seconds);
        assertThat(frames).as("frames ffmpeg read").hasSize(recorded);
        assertThat(seconds).as("seconds the replay took").isBetween(3.2, 5.0);
    }

    @Test
    void retentionByAgeAndByBytesPerCamera() throws Exception {
        sendOnce();
        JsonNode cameras = afterSending;
        JsonNode byAge = entry(cameras, "127.0.0.23");
        assertThat(byAge.get("retention").asString()).isEqualTo("PT15S");
        Instant oldest = Instant.parse(byAge.get("from").asString());
        // 15 s, plus the segment being sealed (5 s) and the pass (10 s at most)
        assertThat(Duration.between(oldest, checked)).as("age of 127.0.0.23's oldest frame")
            .isLessThan(Duration.ofSeconds(25));
        assertThat(Duration.between(oldest, ended)).as("but no more was deleted").isGreaterThan(Duration.ofSeconds(14));
        JsonNode bySize = entry(cameras, "127.0.0.24");
        long segmentBytes = 26L * 5 * (FRAME.length + 200);
        assertThat(bySize).as("127.0.0.24 in /recordings").isNotNull();
        assertThat(bySize.get("maxBytes").asLong()).isEqualTo(3 << 20);
        assertThat(bySize.get("bytes").asLong()).as("127.0.0.24's bytes: 3 MB and its open segment")
            .isLessThanOrEqualTo((3 << 20) + segmentBytes);
        assertThat(bySize.get("frames").asLong()).as("but older frames were deleted")
            .isLessThan(acknowledged.get("127.0.0.24").size());
        JsonNode unbounded = entry(cameras, "127.0.0.21");
        assertThat(unbounded.get("frames").asLong()).isEqualTo(acknowledged.get("127.0.0.21").size());
    }

    private static JsonNode entry(JsonNode cameras, String camera) {
        for (JsonNode entry : cameras) {
            if (entry.get("sender").asString().equals(camera)) {
                return entry;
            }
        }
        return null;
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

}
