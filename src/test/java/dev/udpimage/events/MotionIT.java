package dev.udpimage.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.motion.Scenes;
import dev.udpimage.support.Ffmpeg;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Motion detection as a camera's user sees it: synthetic rooms sent at 25 fps through the
 * image port in the tutorial's protocol (header and 1024-byte chunks, a reply awaited for
 * each frame), each camera from a loopback address of its own, and the Python camera
 * sender's moving pattern; then {@code /events} says what happened. Every moving interval
 * is one event that starts within 0.5 s of its first moving frame and ends within the
 * post-capture plus 1 s of its last; noise, the lights going on, daylight drift and
 * motion inside a mask make none; a zone is named. The event's snapshot is a frame that
 * was sent, byte for byte, and its clip is read by ffprobe.
 */
@ServiceTest
@TestPropertySource(properties = { "udp.motion.cameras[127.0.0.34].masks[0]=0.5,0 1,0 1,1 0.5,1",
        "udp.motion.cameras[127.0.0.35].zones.door=0,0 0.45,0 0.45,1 0,1",
        "udp.motion.cameras[127.0.0.35].zones.window=0.6,0 1,0 1,0.4 0.6,0.4" })
class MotionIT extends ServiceTestSupport {

    private static final int FPS = 25;

    private static final double SECONDS = 14;

    /** The defaults. */
    private static final Duration PRE_CAPTURE = Duration.ofSeconds(5);

    private static final Duration POST_CAPTURE = Duration.ofSeconds(5);

    /** A camera's scene and what its run acknowledged: the frames' bytes by when sent. */
    private record Camera(String address, Scenes scene) {
    }

    private static final Map<String, Map<Instant, byte[]>> sent = new ConcurrentHashMap<>();

    /** When each frame was sent, by camera and frame number. */
    private static final Map<String, Instant[]> sentAt = new ConcurrentHashMap<>();

    private static final int FRAMES = (int) (SECONDS * FPS);

    @BeforeAll
    static void tools() {
        Ffmpeg.require();
    }

    @Test
    void everyMotionIsOneEventAndNothingElseIs() throws Exception {
        List<Camera> cameras = List.of(new Camera("127.0.0.31", Scenes.still(640, 480, 31)),
                new Camera("127.0.0.32", Scenes.crossing(640, 480, 32, 3, 6)),
                new Camera("127.0.0.33", Scenes.lightsOn(640, 480, 33, 5)),
                new Camera("127.0.0.34", Scenes.crossing(640, 480, 34, 3, 6, 0.62, 0.95, 0.5)),
                new Camera("127.0.0.35", Scenes.crossing(640, 480, 35, 3, 6, 0.05, 0.38, 0.6)),
                new Camera("127.0.0.36", Scenes.drift(640, 480, 36, 1.5)));
        // rendered first, so that every camera sends at 25 fps
        Map<String, byte[][]> rendered = new ConcurrentHashMap<>();
        cameras.parallelStream().forEach(camera -> {
            byte[][] frames = new byte[FRAMES][];
            for (int i = 0; i < FRAMES; i++) {
                frames[i] = TestImages.withComment(camera.scene().jpeg((double) i / FPS, 0.8f), camera.address() + i);
            }
            rendered.put(camera.address(), frames);
        });
        List<Thread> senders = new ArrayList<>();
        for (Camera camera : cameras) {
            Thread thread = new Thread(() -> send(camera, rendered.get(camera.address())),
                    "camera " + camera.address());
            thread.start();
            senders.add(thread);
        }
        for (Thread thread : senders) {
            thread.join();
        }
        Http http = http();
        // the moving ones' events end (by a later frame, or by the camera going silent)
        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(events(http, "127.0.0.32")).hasSize(1)
                .allMatch(event -> !event.get("end").isNull()));
        await().atMost(Duration.ofSeconds(15))
            .untilAsserted(() -> assertThat(events(http, "127.0.0.35")).hasSize(1)
                .allMatch(event -> !event.get("end").isNull()));
        for (String quiet : List.of("127.0.0.31", "127.0.0.33", "127.0.0.34", "127.0.0.36")) {
            assertThat(events(http, quiet)).as("events of %s", quiet).isEmpty();
        }
        assertOneEventPerMotion(http, cameras.get(1));
        assertOneEventPerMotion(http, cameras.get(4));
        JsonNode zoned = events(http, "127.0.0.35").get(0);
        assertThat(zoned.get("zones").toString()).isEqualTo("[\"door\"]");
        assertThat(http.get("/events?camera=127.0.0.35&zone=door").json()).hasSize(1);
        assertThat(http.get("/events?camera=127.0.0.35&zone=window").json()).isEmpty();

        // the snapshot: one of the frames sent, exactly
        JsonNode event = events(http, "127.0.0.32").get(0);
        long id = event.get("id").asLong();
        Http.Response snapshot = http.get("/events/" + id + "/snapshot.jpg");
        assertThat(snapshot.status()).isEqualTo(200);
        assertThat(snapshot.contentType()).isEqualTo("image/jpeg");
        assertThat(sent.get("127.0.0.32").values()).anyMatch(frame -> java.util.Arrays.equals(frame, snapshot.body()));
        assertThat(http.get("/events/" + id).json()).isEqualTo(event);
        assertThat(http.get("/events/999999").status()).isEqualTo(404);

        // the clip: the recording from 5 s before to 5 s after, read by ffprobe
        Http.Response clip = http.get("/events/" + id + "/clip");
        assertThat(clip.status()).isEqualTo(200);
        Path mkv = Files.createTempFile("event-", ".mkv");
        Files.write(mkv, clip.body());
        List<String> packets = Ffmpeg.packetHashes("md5", 60, "-i", mkv.toString());
        Instant start = Instant.parse(event.get("start").asString());
        Instant end = Instant.parse(event.get("end").asString());
        long expected = sent.get("127.0.0.32")
            .keySet()
            .stream()
            .filter(at -> !at.isBefore(start.minus(PRE_CAPTURE).minusMillis(100))
                    && at.isBefore(end.plus(POST_CAPTURE).plusMillis(100)))
            .count();
        assertThat(packets.size()).as("frames in the clip").isBetween((int) expected - 3, (int) expected + 3);
        Files.delete(mkv);
    }

    /**
     * One event, starting within 0.5 s of the first moving frame's send and ending within
     * the post-capture plus 1 s after the last.
     */
    private static void assertOneEventPerMotion(Http http, Camera camera) {
        List<JsonNode> events = events(http, camera.address());
        assertThat(events).as("events of %s", camera.address()).hasSize(1);
        JsonNode event = events.get(0);
        Instant[] times = sentAt.get(camera.address());
        Instant first = times[(int) Math.ceil(camera.scene().firstMotion() * FPS)];
        Instant last = times[(int) Math.floor(camera.scene().lastMotion() * FPS) - 1];
        Instant start = Instant.parse(event.get("start").asString());
        Instant end = Instant.parse(event.get("end").asString());
        System.out.printf("%s: motion %s..%s, event %s..%s (start %+d ms, end %+d ms)%n", camera.address(), first, last,
                start, end, Duration.between(first, start).toMillis(), Duration.between(last, end).toMillis());
        assertThat(Duration.between(first, start).abs()).as("from the first moving frame to the event's start")
            .isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(Duration.between(last, end)).as("from the last moving frame to the event's end")
            .isLessThanOrEqualTo(POST_CAPTURE.plusSeconds(1))
            .isGreaterThan(Duration.ofSeconds(-1));
    }

    private static List<JsonNode> events(Http http, String camera) {
        List<JsonNode> events = new ArrayList<>();
        http.get("/events?camera=" + camera).json().forEach(events::add);
        return events;
    }

    /** A camera's 25 fps, each frame answered before the next. */
    private void send(Camera camera, byte[][] rendered) {
        Map<Instant, byte[]> frames = new ConcurrentHashMap<>();
        sent.put(camera.address(), frames);
        Instant[] times = new Instant[FRAMES];
        sentAt.put(camera.address(), times);
        long period = TimeUnit.SECONDS.toNanos(1) / FPS;
        try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(camera.address()),
                this.ports.image())) {
            long start = System.nanoTime();
            for (int i = 0; i < FRAMES; i++) {
                long due = start + i * period;
                LockSupport.parkNanos(due - System.nanoTime());
                byte[] jpeg = rendered[i];
                Instant at = Instant.now();
                times[i] = at;
                client.sendChunked(jpeg);
                if ("get message!!!".equals(client.reply(Duration.ofSeconds(2)))) {
                    frames.put(at, jpeg);
                }
            }
        }
        catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

}
