package dev.udpimage.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.udpimage.motion.Scenes;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceProcess;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Events last like the recording in {@code sync}: the service as a process of its own,
 * one camera's event ended, another's open, then SIGKILL; started again on the same
 * directory, the ended event is there as it was, its snapshot byte for byte, and the one
 * the kill cut short is there too, ended at its peak (nothing after it is known).
 */
class EventsDurabilityIT {

    private static final Path LOG = Path.of("target", "events-durability.log");

    @Test
    void eventsSurviveASigkillInSync() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "events-durability");
        Files.deleteIfExists(LOG);
        String[] settings = { "--udp.store.dir=" + dir, "--udp.store.durability=sync", "--udp.motion.post-capture=2s",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN" };
        JsonNode ended;
        byte[] endedSnapshot;
        try (ServiceProcess service = ServiceProcess.start(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1"), LOG,
                settings)) {
            Http http = service.http();
            // someone crosses in front of camera .41; it stops sending: the event ends
            send(service.imagePort(), "127.0.0.41", Scenes.crossing(640, 480, 41, 0.5, 2.5), 3.5, null);
            await().atMost(Duration.ofSeconds(20))
                .until(() -> http.get("/events?camera=127.0.0.41").json().size() == 1
                        && !http.get("/events?camera=127.0.0.41").json().get(0).get("end").isNull());
            ended = http.get("/events?camera=127.0.0.41").json().get(0);
            endedSnapshot = http.get("/events/" + ended.get("id").asLong() + "/snapshot.jpg").body();
            // camera .42: motion all along; killed while its event is open
            AtomicBoolean open = new AtomicBoolean();
            Thread sender = new Thread(() -> send(service.imagePort(), "127.0.0.42",
                    Scenes.crossing(640, 480, 42, 0.5, 30), 30, () -> open.get()));
            sender.start();
            await().atMost(Duration.ofSeconds(20))
                .until(() -> http.get("/events?camera=127.0.0.42").json().size() == 1);
            service.kill();
            open.set(true);
            sender.join(10_000);
        }
        try (ServiceProcess again = ServiceProcess.start(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1"), LOG, settings)) {
            Http http = again.http();
            assertThat(http.get("/events?camera=127.0.0.41").json()).as("the ended event, as it was")
                .containsExactly(ended);
            assertThat(http.get("/events/" + ended.get("id").asLong() + "/snapshot.jpg").body())
                .isEqualTo(endedSnapshot);
            JsonNode cut = http.get("/events?camera=127.0.0.42").json().get(0);
            assertThat(cut.get("end").asString()).as("the event cut short ends at its peak")
                .isEqualTo(cut.get("peakAt").asString());
            assertThat(http.get("/events/" + cut.get("id").asLong() + "/snapshot.jpg").status()).isEqualTo(200);
        }
    }

    /**
     * Sends a scene at 25 fps for {@code seconds}, rendered as it goes (a camera on its
     * own is light enough), until {@code stop} says so.
     */
    private static void send(int port, String address, Scenes scene, double seconds,
            java.util.function.BooleanSupplier stop) {
        long period = TimeUnit.SECONDS.toNanos(1) / 25;
        try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(address), port)) {
            long start = System.nanoTime();
            for (int i = 0; i < seconds * 25 && (stop == null || !stop.getAsBoolean()); i++) {
                LockSupport.parkNanos(start + i * period - System.nanoTime());
                client.sendChunked(TestImages.withComment(scene.jpeg(i / 25.0, 0.8f), address + i));
                client.reply(Duration.ofSeconds(1));
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
