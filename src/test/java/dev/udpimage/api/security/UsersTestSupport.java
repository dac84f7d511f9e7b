package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

import dev.udpimage.motion.Scenes;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;

/**
 * Two cameras, A ({@value #CAMERA_A}, which the user {@code door} may see) and B
 * ({@value #CAMERA_B}, which it may not), each sending 4 s of 25 fps with someone
 * crossing the room (one motion event each) and a list every 200 ms from the same
 * address, once for every test of the shared service.
 */
abstract class UsersTestSupport extends ServiceTestSupport {

    static final String CAMERA_A = "127.0.0.81";

    static final String CAMERA_B = "127.0.0.82";

    private static final int FPS = 25;

    private static final int FRAMES = 4 * FPS;

    /** Per camera: its event's id. */
    static final Map<String, Long> events = new HashMap<>();

    /** Per camera: the SHA-256 of every frame it sent. */
    static final Map<String, List<String>> frames = new ConcurrentHashMap<>();

    Http as(String user) {
        return http().basic(user, user + "-secret");
    }

    Http admin() {
        return as("admin");
    }

    /** The cameras' 4 s, sent the first time a test asks, and their events ended. */
    synchronized void camerasSent() throws Exception {
        if (!events.isEmpty()) {
            return;
        }
        List<Thread> threads = new ArrayList<>();
        for (String camera : List.of(CAMERA_A, CAMERA_B)) {
            Scenes scene = Scenes.crossing(320, 240, camera.hashCode(), 1, 3);
            byte[][] frames = new byte[FRAMES][];
            for (int i = 0; i < FRAMES; i++) {
                frames[i] = TestImages.withComment(scene.jpeg((double) i / FPS, 0.8f), camera + "/" + i);
                sent(camera, frames[i]);
            }
            threads.add(new Thread(() -> send(camera, frames), "camera " + camera));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        Http admin = admin();
        for (String camera : List.of(CAMERA_A, CAMERA_B)) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode found = admin.get("/events?camera=" + camera).json();
                assertThat(found).hasSize(1);
                assertThat(found.get(0).get("end").isNull()).isFalse();
            });
            events.put(camera, admin.get("/events?camera=" + camera).json().get(0).get("id").asLong());
        }
    }

    static void sent(String camera, byte[] frame) {
        frames.computeIfAbsent(camera, key -> new CopyOnWriteArrayList<>()).add(TestImages.sha256(frame));
    }

    private void send(String camera, byte[][] frames) {
        long period = TimeUnit.SECONDS.toNanos(1) / FPS;
        long start = System.nanoTime();
        try (LegacyTestClient images = new LegacyTestClient(InetAddress.getByName(camera), this.ports.image());
                LegacyTestClient lists = new LegacyTestClient(InetAddress.getByName(camera), this.ports.list())) {
            for (int i = 0; i < frames.length; i++) {
                long wait = start + i * period - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                images.sendChunked(frames[i]);
                assertThat(images.reply(Duration.ofSeconds(2))).isEqualTo("get message!!!");
                if (i % 5 == 0) {
                    lists.send("[" + i + ", 7]");
                    assertThat(lists.reply(Duration.ofSeconds(2))).isEqualTo("get the msg");
                }
            }
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

}
