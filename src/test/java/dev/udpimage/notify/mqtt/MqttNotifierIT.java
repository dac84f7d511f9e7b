package dev.udpimage.notify.mqtt;

import dev.udpimage.support.TestSubscriber;
import dev.udpimage.support.TestHook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.events.Event;
import dev.udpimage.events.EventNotifier;
import dev.udpimage.events.Snapshot;
import dev.udpimage.motion.Box;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LocalMosquitto;

/**
 * The service with {@code udp.mqtt.url} set, against a real mosquitto: its
 * {@link MqttNotifier} driven through {@link EventNotifier} as the analysis drives it,
 * and what a subscriber of the broker receives. Home Assistant's discovery configs are
 * checked field by field and against Home Assistant's schema
 * ({@link HomeAssistantSchema}). The broker is taken away and brought back in the middle
 * of an event.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "udp.image-port=0", "udp.list-port=0", "udp.bind-address=127.0.0.1", "udp.store.dir=",
                "udp.mqtt.prefix=it", "udp.mqtt.client-id=it-service", "udp.mqtt.keep-alive=2s",
                "udp.mqtt.max-reconnect-delay=2s", "udp.mqtt.max-queued=50" })
class MqttNotifierIT {

    private static final int MAX_QUEUED = 50;

    /** Every camera the service has been told of, whose configs it republishes. */
    private static final Set<String> CAMERAS = ConcurrentHashMap.newKeySet();

    @Autowired
    private MqttNotifier notifier;

    @Autowired
    private JsonMapper json;

    @Autowired
    private MeterRegistry registry;

    @Value("${local.server.port}")
    private int httpPort;

    private TestSubscriber subscriber;

    @BeforeAll
    static void mosquittoInstalled() {
        Commands.require(LocalMosquitto.available(), "mosquitto (apt-get install mosquitto)");
    }

    @DynamicPropertySource
    static void brokerUrl(DynamicPropertyRegistry properties) {
        properties.add("udp.mqtt.url", () -> broker().url());
    }

    private static LocalMosquitto broker() {
        try {
            return LocalMosquitto.get();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @BeforeEach
    void connected() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(mqttHealth().get("status").asString()));
        this.subscriber = TestSubscriber.open(broker().url(), false, "it/#", "homeassistant/#");
    }

    @AfterEach
    void close() {
        this.subscriber.close();
    }

    @Test
    void saysItIsOnlineRetainedAndCountsFromZero() throws Exception {
        TestSubscriber.Message available = TestSubscriber.retained(broker().url(), "it/available");
        assertThat(available.text()).isEqualTo("online");
        assertThat(available.retained()).isTrue();
        for (String name : List.of("udp.notifications.sent", "udp.notifications.failed", "udp.notifications.dropped")) {
            assertThat(this.registry.find(name).tag("channel", "mqtt").counter()).as(name).isNotNull();
        }
        JsonNode health = mqttHealth();
        assertThat(health.get("details").get("broker").asString()).isEqualTo(broker().url());
        assertThat(health.get("details").get("clientId").asString()).isEqualTo("it-service");
    }

    @Test
    void aCameraOnlineIsDiscoveredByHomeAssistant() throws Exception {
        online("192.168.1.20");
        String node = "it_192_168_1_20";
        JsonNode motion = config("homeassistant/binary_sensor/" + node + "/motion/config");
        JsonNode connectivity = config("homeassistant/binary_sensor/" + node + "/online/config");
        JsonNode camera = config("homeassistant/camera/" + node + "/snapshot/config");
        assertThat(motion.get("device_class").asString()).isEqualTo("motion");
        assertThat(motion.get("state_topic").asString()).isEqualTo("it/192.168.1.20/motion");
        assertThat(motion.get("payload_on").asString()).isEqualTo("ON");
        assertThat(motion.get("payload_off").asString()).isEqualTo("OFF");
        assertThat(connectivity.get("device_class").asString()).isEqualTo("connectivity");
        assertThat(connectivity.get("state_topic").asString()).isEqualTo("it/192.168.1.20/online");
        assertThat(camera.get("topic").asString()).isEqualTo("it/192.168.1.20/snapshot");
        assertThat(List.of(motion, connectivity, camera)).allSatisfy(config -> {
            assertThat(config.get("availability").get(0).get("topic").asString()).isEqualTo("it/available");
            assertThat(config.get("availability").get(0).get("payload_available").asString()).isEqualTo("online");
            assertThat(config.get("availability").get(0).get("payload_not_available").asString()).isEqualTo("offline");
            assertThat(config.get("device").get("identifiers").get(0).asString()).isEqualTo(node);
            assertThat(config.get("device").get("name").asString()).contains("192.168.1.20");
            assertThat(config.get("device").get("manufacturer").asString()).isEqualTo("udp-image-service");
            assertThat(config.get("origin").get("name").asString()).isEqualTo("udp-image-service");
        });
        assertThat(List.of(motion, connectivity, camera)).extracting(config -> config.get("unique_id").asString())
            .containsExactly(node + "_motion", node + "_online", node + "_snapshot");
        assertThat(camera.get("default_entity_id").asString()).isEqualTo("camera.it_192_168_1_20_snapshot");
        assertThat(this.subscriber.await("it/192.168.1.20/online", message -> true).text()).isEqualTo("ON");
        assertThat(
                TestSubscriber.retained(broker().url(), "homeassistant/camera/" + node + "/snapshot/config").retained())
            .isTrue();
        assertThat(TestSubscriber.retained(broker().url(), "it/192.168.1.20/online").text()).isEqualTo("ON");
        assertSchemaValid(this.subscriber.all());
        // the schema and its validator do refuse: a key Home Assistant does not know, a
        // missing state topic
        ObjectNode wrong = (ObjectNode) motion.deepCopy();
        wrong.remove("state_topic");
        wrong.put("state_topik", "it/192.168.1.20/motion");
        Commands.Result refused = HomeAssistantSchema.validate("binary_sensor",
                List.of(this.json.writeValueAsBytes(wrong)));
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("state_topic").contains("additional properties");
    }

    @Test
    void anEventIsMotionOnItsChangesAndItsSnapshotThenMotionOff() throws Exception {
        String camera = "10.0.0.7:5000";
        online(camera);
        Instant start = Instant.parse("2026-03-01T10:15:30.250Z");
        Event opened = event(7, camera, start, null, List.of("door"), 0.05);
        Event updated = event(7, camera, start, null, List.of("door", "path"), 0.12);
        Event ended = event(7, camera, start, start.plusSeconds(9), List.of("door", "path"), 0.12);
        Snapshot first = snapshot(1);
        Snapshot peak = snapshot(2);
        this.notifier.opened(opened, first);
        this.notifier.updated(updated, peak);
        this.notifier.ended(ended, peak);

        List<TestSubscriber.Message> motion = this.subscriber.await("it/10.0.0.7_5000/motion", 2);
        assertThat(motion).extracting(TestSubscriber.Message::text).containsExactly("ON", "OFF");
        List<JsonNode> events = await().atMost(Duration.ofSeconds(30))
            .until(() -> eventsOf(camera), received -> received.size() >= 3);
        assertThat(events).extracting(message -> message.get("type").asString())
            .containsExactly("new", "update", "end");
        List<Event> sent = List.of(opened, updated, ended);
        for (int i = 0; i < 3; i++) {
            // the Event as the API writes it: the service's own JSON mapper, times in
            // ISO-8601
            assertThat(events.get(i).get("event"))
                .isEqualTo(this.json.readTree(this.json.writeValueAsBytes(sent.get(i))));
        }
        JsonNode end = events.get(2).get("event");
        assertThat(end.get("id").asLong()).isEqualTo(7);
        assertThat(end.get("start").asString()).isEqualTo("2026-03-01T10:15:30.250Z");
        assertThat(end.get("end").asString()).isEqualTo("2026-03-01T10:15:39.250Z");
        assertThat(events.get(0).get("event").get("end").isNull()).isTrue();
        assertThat(end.get("zones").get(1).asString()).isEqualTo("path");
        assertThat(end.get("box").get("right").asDouble()).isEqualTo(0.5);
        this.subscriber.await("it/10.0.0.7_5000/snapshot", message -> Arrays.equals(message.payload(), peak.bytes()));
        assertThat(Arrays.equals(TestSubscriber.retained(broker().url(), "it/10.0.0.7_5000/snapshot").payload(),
                peak.bytes()))
            .as("the retained snapshot is the peak's bytes")
            .isTrue();
        assertThat(TestSubscriber.retained(broker().url(), "it/10.0.0.7_5000/motion").text()).isEqualTo("OFF");
        this.notifier.cameraOffline(camera, start.plusSeconds(60));
        assertThat(this.subscriber.await("it/10.0.0.7_5000/online", message -> message.text().equals("OFF")))
            .isNotNull();
    }

    @Test
    void homeAssistantOnlineGetsEveryConfigAgain() throws Exception {
        online("192.168.1.31");
        online("192.168.1.32");
        this.subscriber.await("homeassistant/camera/it_192_168_1_32/snapshot/config", message -> true);
        this.subscriber.clear();

        this.subscriber.publish("homeassistant/status", "online", false);

        List<String> expected = new ArrayList<>();
        for (String camera : CAMERAS) {
            String node = "it_" + camera.replaceAll("[^A-Za-z0-9_-]", "_");
            expected.addAll(List.of("homeassistant/binary_sensor/" + node + "/motion/config",
                    "homeassistant/binary_sensor/" + node + "/online/config",
                    "homeassistant/camera/" + node + "/snapshot/config"));
        }
        await().atMost(Duration.ofSeconds(30))
            .until(() -> this.subscriber.all().stream().map(TestSubscriber.Message::topic).toList(),
                    topics -> topics.containsAll(expected));
        List<TestSubscriber.Message> republished = this.subscriber.all()
            .stream()
            .filter(message -> message.topic().startsWith("homeassistant/") && message.topic().contains("/it_"))
            .toList();
        assertThat(republished).extracting(TestSubscriber.Message::topic).containsExactlyInAnyOrderElementsOf(expected);
        assertSchemaValid(republished);
    }

    @Test
    void theBrokerAwayMidEventCostsTheCallerNothingAndWhatWaitedIsDeliveredAfter() throws Exception {
        String camera = "192.168.1.40";
        online(camera);
        Instant start = Instant.now();
        this.notifier.opened(event(40, camera, start, null, List.of(), 0.03), snapshot(40));
        this.subscriber.await("it/192.168.1.40/motion", message -> message.text().equals("ON"));
        this.subscriber.close();
        // a persistent session: the broker keeps what arrives for it until it is back
        this.subscriber = TestSubscriber.open(broker().url(), true, "it/#");
        double droppedBefore = count("udp.notifications.dropped");

        broker().stop();
        // from here on, every message the subscriber gets was published after the restart
        this.subscriber.clear();
        await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(mqttHealth().get("status").asString()));
        assertThat(mqttHealth().get("details").get("reason").asString()).contains("lost");
        Http.Response readiness = new Http(this.httpPort).get("/actuator/health/readiness");
        assertThat(readiness.status()).as("a broker away leaves the receiver ready").isEqualTo(200);
        List<Long> callNanos = new ArrayList<>();
        // more than udp.mqtt.max-queued while away: the oldest are dropped
        for (int i = 0; i < 120; i++) {
            Event filler = event(1000 + i, "192.168.1.41", start, null, List.of(), 0.01);
            callNanos.add(timed(() -> this.notifier.updated(filler, null)));
        }
        Snapshot peak = snapshot(41);
        callNanos.add(timed(() -> this.notifier.updated(event(40, camera, start, null, List.of("yard"), 0.2), peak)));
        Event ended = event(40, camera, start, start.plusSeconds(5), List.of("yard"), 0.2);
        callNanos.add(timed(() -> this.notifier.ended(ended, peak)));
        callNanos.add(timed(() -> this.notifier.cameraOffline(camera, start.plusSeconds(30))));
        assertThat(callNanos).allSatisfy(nanos -> assertThat(nanos).isLessThan(100_000_000L));

        broker().start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(mqttHealth().get("status").asString()));
        this.subscriber.reconnect();
        this.subscriber.await("it/available", message -> message.text().equals("online"));
        this.subscriber.await("it/192.168.1.40/motion", message -> message.text().equals("OFF"));
        this.subscriber.await("it/192.168.1.40/online", message -> message.text().equals("OFF"));
        this.subscriber.await("it/192.168.1.40/snapshot", message -> Arrays.equals(message.payload(), peak.bytes()));
        List<JsonNode> events = await().atMost(Duration.ofSeconds(30))
            .until(() -> eventsOf(camera), received -> received.size() >= 2);
        assertThat(events).extracting(message -> message.get("type").asString()).containsExactly("update", "end");
        long fillers = this.subscriber.on("it/events")
            .stream()
            .filter(message -> message.text().contains("192.168.1.41"))
            .count();
        assertThat(fillers).as("what waited for the broker is bounded").isLessThanOrEqualTo(MAX_QUEUED);
        assertThat(count("udp.notifications.dropped") - droppedBefore).isGreaterThanOrEqualTo(120 + 4 - MAX_QUEUED);
    }

    @Test
    void aWindowFullOfWhatWaitedDropsNeitherTheBirthMessageNorTheNewestSnapshot() throws Exception {
        // the broker held still: nothing handed to the client is acknowledged, until the
        // client's window (udp.mqtt.max-queued) is full, as right after a reconnection
        // when the client sends what it kept while the broker was away
        Instant start = Instant.now();
        double dropped = count("udp.notifications.dropped");
        broker().pause(true);
        try {
            for (int i = 0; i < 2 * MAX_QUEUED && count("udp.notifications.dropped") == dropped; i++) {
                this.notifier.updated(event(2000 + i, "192.168.1.43", start, null, List.of(), 0.01), null);
            }
            assertThat(count("udp.notifications.dropped")).as("the window full").isGreaterThan(dropped);
            double full = count("udp.notifications.dropped");
            // what the client's callback does on a reconnection, and a new snapshot
            this.notifier.connected();
            Snapshot newest = snapshot(43);
            this.notifier.updated(event(43, "192.168.1.43", start, null, List.of(), 0.2), newest);
            TimeUnit.MILLISECONDS.sleep(500);
            // the update's message on it/events is an ordinary one: dropped, as counted
            assertThat(count("udp.notifications.dropped")).as("neither dropped while the window is full")
                .isEqualTo(full + 1);
            this.subscriber.clear();
            broker().pause(false);
            this.subscriber.await("it/available", message -> message.text().equals("online"));
            this.subscriber.await("it/192.168.1.43/snapshot",
                    message -> Arrays.equals(message.payload(), newest.bytes()));
        }
        finally {
            broker().pause(false);
        }
    }

    private void online(String camera) {
        CAMERAS.add(camera);
        this.notifier.cameraOnline(camera, Instant.now());
    }

    /** The messages on {@code it/events} of one camera's events, in order. */
    private List<JsonNode> eventsOf(String camera) {
        return this.subscriber.on("it/events")
            .stream()
            .map(message -> this.json.readTree(message.payload()))
            .filter(message -> message.get("event").get("camera").asString().equals(camera))
            .toList();
    }

    private JsonNode config(String topic) {
        TestSubscriber.Message message = this.subscriber.await(topic, any -> true);
        return this.json.readTree(message.payload());
    }

    private JsonNode mqttHealth() {
        return new Http(this.httpPort).get("/actuator/health").json().get("components").get("mqtt");
    }

    private double count(String name) {
        return this.registry.get(name).tag("channel", "mqtt").counter().count();
    }

    private static long timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return System.nanoTime() - start;
    }

    private void assertSchemaValid(List<TestSubscriber.Message> messages) throws IOException {
        for (String component : List.of("binary_sensor", "camera")) {
            List<byte[]> configs = messages.stream()
                .filter(message -> message.topic().startsWith("homeassistant/" + component + "/"))
                .map(TestSubscriber.Message::payload)
                .toList();
            assertThat(configs).as(component + " configs").isNotEmpty();
            HomeAssistantSchema.assertValid(component, configs);
        }
    }

    static Event event(long id, String camera, Instant start, Instant end, List<String> zones, double score) {
        return new Event(id, camera, start, end, zones, score, start.plusMillis(400), new Box(0.1, 0.2, 0.5, 0.6));
    }

    static Snapshot snapshot(int seed) {
        byte[] bytes = new byte[20_000 + seed];
        new Random(seed).nextBytes(bytes);
        return new Snapshot(bytes, "jpeg");
    }

}
