package dev.udpimage.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.motion.Scenes;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.LocalMosquitto;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestHook;
import dev.udpimage.support.TestImages;
import dev.udpimage.support.TestSubscriber;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What happened, told as it happens, end to end: cameras send through the image port,
 * motion is found, and a subscriber of a real broker (mosquitto) and a webhook on
 * loopback hear of it. For each event: motion ON, the event new, then end and OFF, in
 * order; the webhook gets new and end, signed. A camera that stops is still listed, is
 * offline after {@code udp.streams.offline-after} (MQTT, the webhook, the streams), and
 * online again when it resumes. The broker stopped in the middle of an event costs no
 * frame, and the service reconnects by itself.
 */
@ServiceTest
class NotificationsIT extends ServiceTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static TestHook hook;

    @BeforeAll
    static void require() {
        Commands.require(LocalMosquitto.available(), "MQTT needs Debian's mosquitto (apt-get install mosquitto)");
    }

    @AfterAll
    static void close() {
        if (hook != null) {
            hook.close();
        }
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        hook = TestHook.answering(200);
        registry.add("udp.mqtt.url", () -> broker().url());
        registry.add("udp.mqtt.prefix", () -> "n");
        registry.add("udp.mqtt.keep-alive", () -> "2s");
        registry.add("udp.mqtt.max-reconnect-delay", () -> "1s");
        registry.add("udp.events.webhooks[0].url", hook::url);
        registry.add("udp.events.webhooks[0].secret", () -> hook.secret);
        registry.add("udp.streams.offline-after", () -> "3s");
        registry.add("udp.motion.post-capture", () -> "2s");
    }

    private static LocalMosquitto broker() {
        try {
            return LocalMosquitto.get();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Test
    void eventsAndCamerasAreToldOnMqttAndToTheWebhookAsTheyHappen() throws Exception {
        try (TestSubscriber mqtt = TestSubscriber.open(broker().url(), false, "n/#")) {
            String camera = "127.0.0.61";
            Scenes scene = Scenes.crossing(640, 480, 61, 1, 3);
            Instant[] sentAt = send(camera, scene, 0, 5, null);
            Instant firstMoving = sentAt[25];
            // the event, in order on MQTT
            // what this run publishes, not what the broker retained of an earlier one
            await().atMost(Duration.ofSeconds(30)).until(() -> live(mqtt, "n/" + camera + "/motion").size() >= 2);
            List<TestSubscriber.Message> motion = live(mqtt, "n/" + camera + "/motion");
            assertThat(motion).extracting(TestSubscriber.Message::text).containsExactly("ON", "OFF");
            List<TestSubscriber.Message> events = mqtt.await("n/events", 2);
            assertThat(events).extracting(message -> JSON.readTree(message.payload()).get("type").asString())
                .containsExactly("new", "end");
            Duration latency = Duration.between(firstMoving, events.get(0).arrived());
            System.out.printf("the event's start was on MQTT %d ms after its first moving frame was sent%n",
                    latency.toMillis());
            assertThat(latency).as("first moving frame to its event on MQTT").isLessThan(Duration.ofSeconds(1));
            assertThat(motion.get(0).arrived()).isBeforeOrEqualTo(events.get(0).arrived().plusMillis(50));
            JsonNode event = JSON.readTree(events.get(1).payload()).get("event");
            assertThat(http().get("/events/" + event.get("id").asLong()).json()).isEqualTo(event);
            // the last snapshot published is the event's
            byte[] snapshot = http().get("/events/" + event.get("id").asLong() + "/snapshot.jpg").body();
            mqtt.await("n/" + camera + "/snapshot", message -> java.util.Arrays.equals(message.payload(), snapshot));

            // the same on the webhook, signed
            List<String> types = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                TestHook.Request request = hook.received.poll(100, TimeUnit.MILLISECONDS);
                if (request != null) {
                    assertSigned(request);
                    types.add(JSON.readTree(request.body()).get("type").asString());
                }
                assertThat(types).contains("new", "end");
            });
            assertThat(types.indexOf("new")).isLessThan(types.indexOf("end"));

            // silent: still listed, offline after 3 s; back: online
            await().atMost(Duration.ofSeconds(10))
                .until(() -> live(mqtt, "n/" + camera + "/online").stream().anyMatch(m -> m.text().equals("OFF")));
            assertThat(stream(camera).get("online").asBoolean()).isFalse();
            assertThat(stream(camera).get("active").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> webhookTypes().contains("camera-offline"));
            send(camera, Scenes.still(640, 480, 61), 0, 1.5, null);
            await().atMost(Duration.ofSeconds(5))
                .until(() -> live(mqtt, "n/" + camera + "/online").stream()
                    .filter(m -> m.text().equals("ON"))
                    .count() >= 2);
            assertThat(stream(camera).get("online").asBoolean()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> webhookTypes().contains("camera-online"));
        }
    }

    @Test
    void aBrokerStoppedMidEventCostsNoFrameAndTheServiceReconnects() throws Exception {
        String camera = "127.0.0.62";
        try (TestSubscriber mqtt = TestSubscriber.open(broker().url(), true, "n/#")) {
            Scenes scene = Scenes.crossing(640, 480, 62, 1, 6);
            AtomicInteger answered = new AtomicInteger();
            Thread sender = new Thread(() -> send(camera, scene, 0, 8, answered));
            sender.start();
            mqtt.await("n/" + camera + "/motion", message -> !message.retained() && message.text().equals("ON"));
            broker().stop();
            Thread.sleep(1500);
            broker().start();
            sender.join(20_000);
            assertThat(answered.get()).as("every frame answered while the broker was away").isEqualTo(8 * 25);
            mqtt.reconnect();
            await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(TestSubscriber.retained(broker().url(), "n/available").text())
                    .isEqualTo("online"));
            await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(TestSubscriber.retained(broker().url(), "n/" + camera + "/motion").text())
                            .isEqualTo("OFF"));
        }
    }

    private static List<TestSubscriber.Message> live(TestSubscriber mqtt, String topic) {
        return mqtt.on(topic).stream().filter(message -> !message.retained()).toList();
    }

    private List<String> webhookTypes() {
        List<String> types = new ArrayList<>();
        for (TestHook.Request request : List.copyOf(hook.received)) {
            types.add(JSON.readTree(request.body()).get("type").asString());
        }
        return types;
    }

    private JsonNode stream(String camera) {
        for (JsonNode stream : http().get("/received/streams").json()) {
            if (stream.get("sender").asString().equals(camera)) {
                return stream;
            }
        }
        throw new AssertionError(camera + " is not listed");
    }

    /** The signature the webhook's docs say to check. */
    private static void assertSigned(TestHook.Request request) throws Exception {
        String timestamp = request.header("X-Udp-Timestamp");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(hook.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
        assertThat(request.header("X-Udp-Signature")).isEqualTo(expected);
    }

    /**
     * Sends a scene at 25 fps from {@code from} to {@code to} seconds, rendered as it
     * goes; counts the frames answered.
     * @return when each frame was sent
     */
    private Instant[] send(String address, Scenes scene, double from, double to, AtomicInteger answered) {
        int frames = (int) Math.round((to - from) * 25);
        Instant[] sentAt = new Instant[frames];
        long period = TimeUnit.SECONDS.toNanos(1) / 25;
        try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(address), this.ports.image())) {
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                LockSupport.parkNanos(start + i * period - System.nanoTime());
                byte[] jpeg = TestImages.withComment(scene.jpeg(from + i / 25.0, 0.8f), address + i);
                sentAt[i] = Instant.now();
                client.sendChunked(jpeg);
                if ("get message!!!".equals(client.reply(Duration.ofSeconds(2))) && answered != null) {
                    answered.incrementAndGet();
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return sentAt;
    }

}
