package dev.udpimage.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.motion.Scenes;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Retention by what happened: with 5 s segments, 15 s continuous retention and 60 s
 * events retention, a camera that sent for a minute with someone crossing at 40 s; 90 s
 * after it started, the segments under the event (with its pre- and post-capture) remain
 * and the others are gone. Every duration is divided by {@code -Devents.retention.scale}
 * (5 in every build: 1 s segments, 18 s in all; {@code mvn -Plong verify}: 1, the issue's
 * own numbers).
 */
@ServiceTest
class EventRetentionIT extends ServiceTestSupport {

    private static final double SCALE = Double.parseDouble(System.getProperty("events.retention.scale", "5"));

    private static Duration seconds(double unscaled) {
        return Duration.ofMillis(Math.round(unscaled * 1000 / SCALE));
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("udp.recording.segment-duration", () -> seconds(5).toMillis() + "ms");
        registry.add("udp.recording.retention", () -> seconds(15).toMillis() + "ms");
        registry.add("udp.recording.events-retention", () -> seconds(60).toMillis() + "ms");
        registry.add("udp.recording.retention-interval", () -> "1s");
        registry.add("udp.motion.pre-capture", () -> seconds(5).toMillis() + "ms");
        registry.add("udp.motion.post-capture", () -> seconds(5).toMillis() + "ms");
    }

    @Test
    void theSegmentsUnderAnEventOutliveTheOthers() throws Exception {
        String camera = "127.0.0.51";
        double crossFrom = seconds(40).toMillis() / 1000.0;
        double crossTo = crossFrom + Math.max(1.2, seconds(6).toMillis() / 1000.0);
        Scenes scene = Scenes.crossing(640, 480, 51, crossFrom, crossTo);
        Instant started = Instant.now();
        long period = TimeUnit.SECONDS.toNanos(1) / 25;
        int frames = (int) (seconds(60).toMillis() * 25 / 1000);
        try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(camera), this.ports.image())) {
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                LockSupport.parkNanos(start + i * period - System.nanoTime());
                client.sendChunked(TestImages.withComment(scene.jpeg(i / 25.0, 0.8f), camera + i));
                client.reply(Duration.ofSeconds(1));
            }
        }
        Http http = http();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> http.get("/events?camera=" + camera).json().size() == 1
                    && !http.get("/events?camera=" + camera).json().get(0).get("end").isNull());
        JsonNode event = http.get("/events?camera=" + camera).json().get(0);
        Instant keptFrom = Instant.parse(event.get("start").asString()).minus(seconds(5));
        Instant keptTo = Instant.parse(event.get("end").asString()).plus(seconds(5));
        Duration wait = Duration.between(Instant.now(), started.plus(seconds(90)));
        if (!wait.isNegative()) {
            Thread.sleep(wait.toMillis());
        }
        List<JsonNode> spans = new ArrayList<>();
        http.get("/recordings/spans?sender=" + camera).json().forEach(spans::add);
        System.out.printf("event %s..%s; kept %s..%s; spans left: %s%n", event.get("start").asString(),
                event.get("end").asString(), keptFrom, keptTo, spans);
        assertThat(spans).as("the segments under the event remain").isNotEmpty();
        for (JsonNode span : spans) {
            Instant from = Instant.parse(span.get("from").asString());
            Instant to = Instant.parse(span.get("to").asString());
            assertThat(!to.isBefore(keptFrom) && !from.isAfter(keptTo)).as("span %s..%s is under the event", from, to)
                .isTrue();
        }
        // what the event's clip needs is there: its first frame
        assertThat(http.get("/recordings/frame?sender=" + camera + "&at=" + event.get("start").asString()).status())
            .isEqualTo(200);
    }

}
