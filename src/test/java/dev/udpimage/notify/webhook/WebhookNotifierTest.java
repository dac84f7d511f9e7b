package dev.udpimage.notify.webhook;

import dev.udpimage.support.TestSubscriber;
import dev.udpimage.support.TestHook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.udpimage.events.Event;
import dev.udpimage.events.Snapshot;
import dev.udpimage.motion.Box;
import dev.udpimage.support.TestHook.Request;
import dev.udpimage.notify.webhook.WebhookProperties.Webhook;

/**
 * Webhooks over real HTTP: hooks on loopback (the JDK's HTTP server) receive what the
 * notifier sends, and the notifier's own counters say what became of each notification.
 */
class WebhookNotifierTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static final Snapshot SNAPSHOT = new Snapshot(new byte[] { 1, 2, 3 }, "jpeg");

    private static final Instant START = Instant.parse("2026-03-01T10:15:30.250Z");

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable each : this.closing) {
            each.close();
        }
    }

    private TestHook hook(TestHook hook) {
        this.closing.add(hook);
        return hook;
    }

    /** Test settings: short timeout and backoff, loopback allowed. */
    private static WebhookProperties settings(List<Webhook> hooks, List<String> targets, Duration timeout, int attempts,
            int queue, boolean updates) {
        return new WebhookProperties(hooks, targets, timeout, attempts, Duration.ofMillis(50), queue, updates);
    }

    private static WebhookProperties settings(Webhook... hooks) {
        return settings(List.of(hooks), List.of("127.0.0.0/8"), Duration.ofSeconds(2), 3, 16, false);
    }

    private WebhookNotifier notifier(WebhookProperties settings) {
        WebhookNotifier notifier = new WebhookNotifier(settings, JSON, this.meters);
        this.closing.add(notifier::destroy);
        return notifier;
    }

    private double count(String outcome) {
        return this.meters.get("udp.notifications." + outcome).tag("channel", "webhook").counter().count();
    }

    private static Event event(long id, boolean ended) {
        return new Event(id, "192.168.1.20", START, ended ? START.plusSeconds(7) : null, List.of("door"), 0.125,
                START.plusSeconds(2), new Box(0.1, 0.2, 0.4, 0.9));
    }

    private static JsonNode json(Request request) {
        return JSON.readTree(request.body());
    }

    @Test
    void newAndEndArriveInOrderSignedWithTheirHeaders() throws Exception {
        TestHook hook = hook(TestHook.answering(200));
        WebhookNotifier notifier = notifier(settings(webhook(hook)));
        assertThat(List.of(count("sent"), count("failed"), count("dropped"))).as("registered at 0").containsOnly(0.0);

        notifier.opened(event(7, false), SNAPSHOT);
        notifier.ended(event(7, true), SNAPSHOT);

        Request opened = hook.next(WITHIN);
        Request ended = hook.next(WITHIN);
        for (Request request : List.of(opened, ended)) {
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.header("X-Udp-Signature")).isEqualTo(hook.expectedSignature(request));
            assertThat(Long.parseLong(request.header("X-Udp-Timestamp"))).isBetween(Instant.now().getEpochSecond() - 60,
                    Instant.now().getEpochSecond() + 1);
            assertThat(request.header("X-Udp-Delivery")).isNotBlank();
            assertThat(Instant.parse(json(request).get("sentAt").asString())).isBefore(Instant.now().plusSeconds(1));
        }
        assertThat(opened.header("X-Udp-Event")).isEqualTo("new");
        assertThat(ended.header("X-Udp-Event")).isEqualTo("end");
        assertThat(opened.header("X-Udp-Delivery")).isNotEqualTo(ended.header("X-Udp-Delivery"));

        JsonNode first = json(opened);
        assertThat(first.get("type").asString()).isEqualTo("new");
        assertThat(first.get("event").get("id").asLong()).isEqualTo(7);
        assertThat(first.get("event").get("camera").asString()).isEqualTo("192.168.1.20");
        assertThat(first.get("event").get("zones").get(0).asString()).isEqualTo("door");
        assertThat(first.get("event").get("end").isNull()).isTrue();
        JsonNode last = json(ended);
        assertThat(last.get("type").asString()).isEqualTo("end");
        assertThat(Instant.parse(last.get("event").get("end").asString())).isEqualTo(START.plusSeconds(7));
        assertThat(last.get("event").get("score").asDouble()).isEqualTo(0.125);
        assertThat(last.get("event").get("box").get("right").asDouble()).isEqualTo(0.4);
        await().atMost(WITHIN).until(() -> count("sent") == 2);
    }

    @Test
    void cameraOnlineAndOfflineSayWhichCameraAndItsLastFrame() throws Exception {
        TestHook hook = hook(TestHook.answering(204));
        WebhookNotifier notifier = notifier(settings(webhook(hook)));

        notifier.cameraOnline("192.168.1.20", START);
        notifier.cameraOffline("192.168.1.20", START.plusSeconds(30));

        Request online = hook.next(WITHIN);
        Request offline = hook.next(WITHIN);
        assertThat(online.header("X-Udp-Event")).isEqualTo("camera-online");
        assertThat(offline.header("X-Udp-Event")).isEqualTo("camera-offline");
        assertThat(offline.header("X-Udp-Signature")).isEqualTo(hook.expectedSignature(offline));
        JsonNode on = json(online);
        assertThat(on.get("type").asString()).isEqualTo("camera-online");
        assertThat(on.get("camera").asString()).isEqualTo("192.168.1.20");
        assertThat(Instant.parse(on.get("lastFrameAt").asString())).isEqualTo(START);
        assertThat(on.has("event")).isFalse();
        JsonNode off = json(offline);
        assertThat(off.get("type").asString()).isEqualTo("camera-offline");
        assertThat(Instant.parse(off.get("lastFrameAt").asString())).isEqualTo(START.plusSeconds(30));
    }

    @Test
    void updatesAreSentOnlyWhenAskedFor() throws Exception {
        TestHook quiet = hook(TestHook.answering(200));
        TestHook told = hook(TestHook.answering(200));
        WebhookNotifier withoutUpdates = notifier(settings(webhook(quiet)));
        WebhookNotifier withUpdates = notifier(
                settings(List.of(webhook(told)), List.of("127.0.0.0/8"), Duration.ofSeconds(2), 3, 16, true));

        for (WebhookNotifier notifier : List.of(withoutUpdates, withUpdates)) {
            notifier.updated(event(3, false), SNAPSHOT);
            notifier.ended(event(3, true), SNAPSHOT);
        }

        assertThat(quiet.next(WITHIN).header("X-Udp-Event")).isEqualTo("end");
        assertThat(told.next(WITHIN).header("X-Udp-Event")).isEqualTo("update");
        assertThat(told.next(WITHIN).header("X-Udp-Event")).isEqualTo("end");
    }

    @Test
    void aHookAnswering500IsTriedAgainUntilItTakesIt() throws Exception {
        TestHook hook = hook(TestHook.answering(500, 503, 200));
        WebhookNotifier notifier = notifier(settings(webhook(hook)));

        notifier.opened(event(1, false), SNAPSHOT);

        await().atMost(WITHIN).until(() -> count("sent") == 1);
        Thread.sleep(300); // longer than any backoff left: no try after the one taken
        List<Request> tries = hook.all();
        assertThat(tries).hasSize(3);
        assertThat(tries).extracting(request -> request.header("X-Udp-Delivery"))
            .containsOnly(tries.get(0).header("X-Udp-Delivery"));
        for (Request request : tries) {
            assertThat(request.header("X-Udp-Signature")).isEqualTo(hook.expectedSignature(request));
        }
        assertThat(count("failed")).isZero();
    }

    @Test
    void aHookAnswering400IsNotTriedAgain() throws Exception {
        TestHook hook = hook(TestHook.answering(400));
        WebhookNotifier notifier = notifier(settings(webhook(hook)));

        notifier.opened(event(1, false), SNAPSHOT);

        await().atMost(WITHIN).until(() -> count("failed") == 1);
        Thread.sleep(300); // longer than every backoff
        assertThat(hook.requests.get()).isEqualTo(1);
        assertThat(count("sent")).isZero();
    }

    @Test
    void aHangingHookCostsOnlyItsTimeoutAndHoldsBackNoOtherHook() throws Exception {
        TestHook hanging = hook(TestHook.hanging());
        TestHook healthy = hook(TestHook.answering(200));
        WebhookNotifier notifier = notifier(settings(List.of(webhook(hanging), webhook(healthy)),
                List.of("127.0.0.0/8"), Duration.ofMillis(300), 2, 16, false));

        for (int id = 1; id <= 5; id++) {
            long start = System.nanoTime();
            notifier.opened(event(id, false), SNAPSHOT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the call returns at once")
                .isLessThan(Duration.ofMillis(50));
        }

        for (int id = 1; id <= 5; id++) {
            assertThat(json(healthy.next(WITHIN)).get("event").get("id").asLong()).isEqualTo(id);
        }
        await().atMost(WITHIN).until(() -> count("failed") >= 1); // the hanging hook's
                                                                  // first, timed out
        assertThat(hanging.requests.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anAnswerWhoseBodyNeverEndsIsCutAtTheTimeout() throws Exception {
        TestHook endless = hook(TestHook.answeringWithoutEnd());
        TestHook healthy = hook(TestHook.answering(200));
        WebhookNotifier notifier = notifier(settings(List.of(webhook(endless), webhook(healthy)),
                List.of("127.0.0.0/8"), Duration.ofMillis(300), 1, 16, false));

        notifier.ended(event(1, true), SNAPSHOT);

        assertThat(healthy.next(WITHIN).header("X-Udp-Event")).isEqualTo("end");
        await().atMost(WITHIN).until(() -> count("failed") == 1);
        assertThat(count("sent")).isEqualTo(1);
    }

    @Test
    void aHookRefusingConnectionsIsTriedAgainThenCountedFailed() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Webhook hook = new Webhook("http://127.0.0.1:" + closed + "/hook", "a-secret-of-32-characters-length");
        WebhookNotifier notifier = notifier(settings(hook));

        long start = System.nanoTime();
        notifier.cameraOnline("192.168.1.20", START);

        await().atMost(WITHIN).until(() -> count("failed") == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two backoffs waited: 50 ms, then 100 ms")
            .isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(count("sent")).isZero();
    }

    @Test
    void aHookOutsideTheTargetsIsRefusedWithoutAConnection() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Webhook hook = new Webhook("http://127.0.0.1:" + socket.getLocalPort() + "/hook",
                    "a-secret-of-32-characters-length");
            WebhookNotifier notifier = notifier(
                    settings(List.of(hook), List.of("10.0.0.0/8"), Duration.ofSeconds(2), 3, 16, false));

            notifier.opened(event(1, false), SNAPSHOT);

            await().atMost(WITHIN).until(() -> count("failed") == 1);
            socket.setSoTimeout(200);
            assertThatThrownBy(socket::accept).as("nothing connected").isInstanceOf(SocketTimeoutException.class);
            assertThat(count("sent")).isZero();
        }
    }

    @Test
    void aFullQueueDropsTheOldest() throws Exception {
        TestHook hook = hook(TestHook.holdingTheFirst());
        WebhookNotifier notifier = notifier(
                settings(List.of(webhook(hook)), List.of("127.0.0.0/8"), Duration.ofSeconds(3), 3, 2, false));

        notifier.opened(event(1, false), SNAPSHOT);
        Request first = hook.next(WITHIN); // being tried: not in the queue
        for (int id = 2; id <= 5; id++) {
            notifier.opened(event(id, false), SNAPSHOT);
        }
        assertThat(count("dropped")).as("2 and 3, the oldest waiting").isEqualTo(2);
        hook.released.countDown();

        assertThat(json(first).get("event").get("id").asLong()).isEqualTo(1);
        assertThat(json(hook.next(WITHIN)).get("event").get("id").asLong()).isEqualTo(4);
        assertThat(json(hook.next(WITHIN)).get("event").get("id").asLong()).isEqualTo(5);
        await().atMost(WITHIN).until(() -> count("sent") == 3);
    }

    @Test
    void closingStopsTheThread() throws IOException, InterruptedException {
        TestHook hook = hook(TestHook.answering(200));
        WebhookNotifier notifier = new WebhookNotifier(settings(webhook(hook)), JSON, this.meters);
        notifier.destroy();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("webhooks"));
    }

    private static Webhook webhook(TestHook hook) {
        return new Webhook(hook.url(), hook.secret);
    }

}
