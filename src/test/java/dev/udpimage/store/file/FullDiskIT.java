package dev.udpimage.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.udpimage.support.Commands;
import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.SmallDisk;
import dev.udpimage.support.TestImages;
import dev.udpimage.udp.ReceiverPorts;
import tools.jackson.databind.JsonNode;

/**
 * The store directory on a small filesystem of its own (a tmpfs) that fills up and frees
 * again, and turns read-only and writable again, while senders send: in {@code sync} the
 * reply says {@code error: store unavailable} rather than lie, in {@code async} the ports
 * keep answering; either way {@code /actuator/health} shows the store DOWN with the
 * reason, and the service recovers by itself when the disk takes writes again.
 */
class FullDiskIT {

    private SmallDisk disk;

    private ConfigurableApplicationContext service;

    @BeforeEach
    void mount() throws IOException {
        Commands.require(SmallDisk.available(), "mounting a tmpfs takes root");
        this.disk = SmallDisk.mount(8);
    }

    @AfterEach
    void unmount() throws IOException {
        if (this.service != null) {
            this.service.close();
        }
        if (this.disk != null) {
            this.disk.close();
        }
    }

    @Test
    void syncRefusesWhatTheDiskCannotTakeAndRecoversByItself() throws IOException {
        this.disk.fillUntilFree(2 << 20);
        this.service = start("sync");
        Http http = http();
        List<String> acknowledged = new ArrayList<>();
        String reply = "";
        int sent = 0;
        // 200 KB images into 2 MB: the disk is full after about ten
        while (!reply.startsWith("error:") && sent < 40) {
            byte[] image = TestImages.mediumJpeg(sent++);
            reply = sendImage(image);
            if (reply.equals("get message!!!")) {
                acknowledged.add(TestImages.sha256(image));
            }
        }
        assertThat(reply).as("the reply once the disk is full").isEqualTo("error: store unavailable");
        assertThat(acknowledged).as("acknowledged before it was full").hasSizeGreaterThan(3);
        // what is left is smaller than an image: take it too
        this.disk.fillUntilFree(0);
        assertThat(sendList("[1,2,3]")).isEqualTo("error: store unavailable");
        assertStoreDown(http, "No space left on device");
        assertThat(counted(http, "udp.transfers.failed", "reason:store-unavailable")).isGreaterThanOrEqualTo(2);
        assertThat(counted(http, "udp.store.write.failures", null)).isGreaterThanOrEqualTo(2);
        assertThat(storedImages(http)).as("what was refused is not shown")
            .containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(leftovers()).as("no half-written file stays").isEmpty();

        this.disk.free();
        assertReadyAgain(http);
        byte[] afterwards = TestImages.mediumJpeg(100);
        assertThat(sendImage(afterwards)).isEqualTo("get message!!!");
        acknowledged.add(TestImages.sha256(afterwards));
        assertThat(sendList("[4,5,6]")).isEqualTo("get the msg");

        this.disk.readOnly(true);
        assertThat(sendImage(TestImages.smallJpeg(101))).isEqualTo("error: store unavailable");
        assertStoreDown(http, "Read-only file system");
        this.disk.readOnly(false);
        assertReadyAgain(http);
        byte[] last = TestImages.smallJpeg(102);
        assertThat(sendImage(last)).isEqualTo("get message!!!");
        acknowledged.add(TestImages.sha256(last));

        this.service.close();
        this.service = start("sync");
        assertThat(storedImages(http())).as("after a restart: every acknowledged image, nothing else")
            .containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(http().get("/received/lists").json()).hasSize(1);
    }

    /**
     * A refusal at full history must not cost the item the new one would have replaced:
     * that is evicted only once the new one is durable.
     */
    @Test
    void syncAtFullHistoryLosesNoAcknowledgedItemToRefusals() throws IOException {
        this.service = start("sync", 5);
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] image = TestImages.smallJpeg(300 + i);
            assertThat(sendImage(image)).isEqualTo("get message!!!");
            acknowledged.add(TestImages.sha256(image));
            assertThat(sendList("[" + i + "]")).isEqualTo("get the msg");
        }
        this.disk.fillUntilFree(0);
        // a list's line may still fit in its file's last block: if it is answered, it is
        // kept
        List<String> lists = new ArrayList<>(List.of("[0]", "[1]", "[2]", "[3]", "[4]"));
        for (int i = 0; i < 12; i++) {
            assertThat(sendImage(TestImages.smallJpeg(400 + i))).isEqualTo("error: store unavailable");
            String list = "[" + (100 + i) + "]";
            String reply = sendList(list);
            assertThat(reply).isIn("error: store unavailable", "get the msg");
            if (reply.equals("get the msg")) {
                lists.add(list);
            }
        }
        List<String> kept = lists.subList(lists.size() - 5, lists.size());
        Http http = http();
        assertThat(storedImages(http)).as("every acknowledged image is still kept")
            .containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(listValues(http)).as("the last five acknowledged lists").containsExactlyInAnyOrderElementsOf(kept);
        this.service.close();
        this.disk.free();
        this.service = start("sync", 5);
        assertThat(storedImages(http())).as("and on disk, after a restart")
            .containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(listValues(http())).as("and on disk, after a restart").containsExactlyInAnyOrderElementsOf(kept);
    }

    @Test
    void asyncKeepsAnsweringAndWritesWhatWaitedWhenSpaceReturns() throws IOException {
        this.disk.fillUntilFree(1 << 20);
        this.service = start("async");
        Http http = http();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] image = TestImages.mediumJpeg(200 + i);
            assertThat(sendImage(image)).as("image %d, on a full disk", i).isEqualTo("get message!!!");
            sent.add(TestImages.sha256(image));
            assertThat(sendList("[" + i + "]")).isEqualTo("get the msg");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertStoreDown(http, "No space left on device"));
        assertThat(storedImages(http)).as("shown while the disk is full").containsExactlyInAnyOrderElementsOf(sent);
        assertThat(writtenImages()).as("not all of them could be written").isLessThan(20);

        this.disk.free();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(http.get("/actuator/health").status()).isEqualTo(200);
            assertThat(writtenImages()).as("images written once space returned").isEqualTo(20);
        });
        assertThat(leftovers()).isEmpty();

        this.service.close();
        this.service = start("async");
        assertThat(storedImages(http())).as("after a restart").containsExactlyInAnyOrderElementsOf(sent);
        assertThat(http().get("/received/lists").json()).hasSize(20);
    }

    private ConfigurableApplicationContext start(String durability) {
        return start(durability, 1000);
    }

    private ConfigurableApplicationContext start(String durability, int history) {
        return new SpringApplicationBuilder(UdpImageServiceApplication.class).run("--server.port=0",
                "--udp.image-port=0", "--udp.list-port=0", "--udp.bind-address=127.0.0.1",
                "--udp.store.dir=" + this.disk.root().resolve("store"), "--udp.store.durability=" + durability,
                "--udp.store.history=" + history, "--udp.store.max-bytes=1GB",
                // a full disk, not the recording's floor (which deletes recordings)
                "--udp.recording.min-free=0",
                // segments sealed (closed) a second after the last frame: the disk can be
                // remounted read-only
                "--udp.recording.segment-duration=1s");
    }

    private Http http() {
        return new Http(Integer.parseInt(this.service.getEnvironment().getProperty("local.server.port")));
    }

    private String sendImage(byte[] image) {
        try (LegacyTestClient client = new LegacyTestClient(this.service.getBean(ReceiverPorts.class).image())) {
            client.sendChunked(image);
            return client.reply(Duration.ofSeconds(5));
        }
    }

    private String sendList(String json) {
        try (LegacyTestClient client = new LegacyTestClient(this.service.getBean(ReceiverPorts.class).list())) {
            client.send(json);
            return client.reply(Duration.ofSeconds(5));
        }
    }

    /** From this machine, so with the details. */
    private static void assertStoreDown(Http http, String reason) {
        Http.Response health = http.get("/actuator/health");
        assertThat(health.status()).as(health.text()).isEqualTo(503);
        JsonNode store = health.json().get("components").get("store");
        assertThat(store.get("status").asString()).isEqualTo("DOWN");
        assertThat(store.get("details").get("reason").asString()).isEqualTo(reason);
        // an orchestrator stops sending traffic here, but does not restart it: the disk
        // is the problem
        Http.Response readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.text()).isEqualTo(503);
        assertThat(readiness.json().get("status").asString()).isEqualTo("DOWN");
        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus").text()).contains("udp_health{component=\"store\"} 0.0")
            .contains("udp_health{component=\"readiness\"} 0.0")
            .contains("udp_health{component=\"liveness\"} 1.0");
    }

    private static void assertReadyAgain(Http http) {
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(http.get("/actuator/health").status()).isEqualTo(200));
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus").text()).contains("udp_health{component=\"store\"} 1.0")
            .contains("udp_health{component=\"readiness\"} 1.0");
    }

    private static double counted(Http http, String meter, String tag) {
        Http.Response metric = http.get("/actuator/metrics/" + meter + (tag == null ? "" : "?tag=" + tag));
        assertThat(metric.status()).as(meter + " " + tag).isEqualTo(200);
        return metric.json().get("measurements").get(0).get("value").asDouble();
    }

    private static Set<String> storedImages(Http http) {
        Set<String> images = new HashSet<>();
        for (JsonNode image : http.get("/received/images").json()) {
            images
                .add(TestImages.sha256(http.get("/received/images/" + image.get("id").asLong() + "/original").body()));
        }
        return images;
    }

    /** Frames in the recording (where images are written). */
    private long writtenImages() {
        JsonNode cameras = http().get("/recordings").json();
        return cameras.isEmpty() ? 0 : cameras.get(0).get("frames").asLong();
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.walk(this.disk.root().resolve("store"))) {
            return files.filter(file -> file.toString().endsWith(".tmp")).toList();
        }
    }

    private static List<String> listValues(Http http) {
        List<String> values = new ArrayList<>();
        http.get("/received/lists").json().forEach(list -> values.add(list.get("value").toString()));
        return values;
    }

}
