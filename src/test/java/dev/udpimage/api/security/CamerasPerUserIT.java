package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.MjpegViewer;
import dev.udpimage.support.SseReader;
import dev.udpimage.support.TestImages;

/**
 * Two cameras sending; {@code door}, a viewer of camera A only, sees A and nothing of B
 * in every list, stream, export, snapshot and event, live ones included, while a viewer
 * of all cameras and the admin see both; B is a 404 for it everywhere
 * ({@link EndpointRolesIT} asks every operation). Each user's own token works as a bearer
 * token and as the Basic password.
 */
@UsersService
class CamerasPerUserIT extends UsersTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String camera(JsonNode item, String field) {
        String sender = item.get(field).asString();
        return sender.contains(":") ? sender.substring(0, sender.indexOf(':')) : sender;
    }

    private static List<String> cameras(JsonNode items, String field) {
        List<String> cameras = new ArrayList<>();
        items.forEach(item -> cameras.add(camera(item, field)));
        return cameras;
    }

    @Test
    void aViewerOfOneCameraSeesOnlyItInEveryList() throws Exception {
        camerasSent();
        Http door = as("door");
        Http viewer = as("viewer");
        for (String[] list : new String[][] { { "/received/images", "sender" }, { "/received/lists", "sender" },
                { "/received/streams", "sender" }, { "/recordings", "sender" }, { "/events", "camera" } }) {
            assertThat(cameras(viewer.get(list[0]).json(), list[1])).as("%s for a viewer of all", list[0])
                .contains(CAMERA_A, CAMERA_B);
            assertThat(cameras(door.get(list[0]).json(), list[1])).as("%s for door", list[0])
                .isNotEmpty()
                .containsOnly(CAMERA_A);
        }
        assertThat(door.get("/events?camera=" + CAMERA_B).json()).as("B's events, as for a camera with none").isEmpty();
        assertThat(camera(door.get("/received/lists/latest").json(), "sender")).isEqualTo(CAMERA_A);
        // the latest image and still: A's, whoever sent last
        JsonNode latestOfA = door.get("/received/images").json().get(0);
        assertThat(door.get("/received/latest.png").body())
            .isEqualTo(door.get("/received/images/" + latestOfA.get("id").asLong() + ".png").body());
        String still = new String(door.get("/received/stream.jpg").body(), StandardCharsets.ISO_8859_1);
        assertThat(still).as("the still of any camera is A's").contains(CAMERA_A + "/").doesNotContain(CAMERA_B + "/");
        // exports: A's, not B's, not even beside A's
        assertThat(door.headersOf("/recordings/export?sender=" + CAMERA_A + "&format=mcap").status()).isEqualTo(200);
        Http.Response both = door.get("/recordings/export?sender=" + CAMERA_A + "&format=mcap&senders=" + CAMERA_B);
        assertThat(both.status()).isEqualTo(404);
        assertThat(both.text()).doesNotContain("frames");
        // the snapshot of A's event, and B's is not found (as an event that does not
        // exist)
        assertThat(door.get("/events/" + events.get(CAMERA_A) + "/snapshot.jpg").status()).isEqualTo(200);
        Http.Response hidden = door.get("/events/" + events.get(CAMERA_B));
        Http.Response missing = door.get("/events/987654321");
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.json().get("detail").asString())
            .isEqualTo(missing.json().get("detail").asString().replace("987654321", "" + events.get(CAMERA_B)));
    }

    @Test
    void liveStreamsCarryOnlyTheCamerasOfTheUser() throws Exception {
        camerasSent();
        String door = "Basic "
                + Base64.getEncoder().encodeToString("door:door-secret".getBytes(StandardCharsets.UTF_8));
        String admin = "Bearer admin-token-1234";
        try (MjpegViewer doorAll = MjpegViewer.open(this.httpPort, "/received/stream.mjpeg", door);
                SseReader doorReceived = SseReader.open(this.httpPort, "/received/events", door);
                SseReader doorEvents = SseReader.open(this.httpPort, "/events/live", door);
                SseReader adminReceived = SseReader.open(this.httpPort, "/received/events", admin);
                SseReader adminEvents = SseReader.open(this.httpPort, "/events/live", admin)) {
            assertThat(doorAll.awaitHeaders(Duration.ofSeconds(5))).isTrue();
            Thread.sleep(500);
            // a second of both cameras, alternating, then silence: both go offline
            try (LegacyTestClient a = new LegacyTestClient(InetAddress.getByName(CAMERA_A), this.ports.image());
                    LegacyTestClient b = new LegacyTestClient(InetAddress.getByName(CAMERA_B), this.ports.image())) {
                for (int i = 0; i < 20; i++) {
                    for (LegacyTestClient client : List.of(a, b)) {
                        String camera = client == a ? CAMERA_A : CAMERA_B;
                        byte[] frame = TestImages.withComment(TestImages.smallJpeg(i), camera + "/live/" + i);
                        sent(camera, frame);
                        client.sendChunked(frame);
                        assertThat(client.reply(Duration.ofSeconds(2))).isEqualTo("get message!!!");
                    }
                    Thread.sleep(40);
                }
            }
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(sseCameras(adminEvents, "offline")).contains(CAMERA_A, CAMERA_B));
            Thread.sleep(500);
            assertThat(sseCameras(adminReceived, "image")).as("the admin's live images").contains(CAMERA_A, CAMERA_B);
            assertThat(sseCameras(doorReceived, "image")).as("door's live images").isNotEmpty().containsOnly(CAMERA_A);
            assertThat(sseCameras(doorEvents, "offline")).as("door's cameras going offline").containsExactly(CAMERA_A);
            assertThat(doorAll.shown()).as("door's MJPEG of every camera").hasSizeGreaterThan(5);
            assertThat(frames.get(CAMERA_A)).as("door's MJPEG of every camera: A's frames only")
                .containsAll(doorAll.shown());
        }
    }

    private static List<String> sseCameras(SseReader reader, String name) {
        List<String> cameras = new ArrayList<>();
        for (SseReader.Event event : reader.events()) {
            if (event.name().equals(name)) {
                JsonNode data = JSON.readTree(event.data());
                cameras.add(camera(data, data.has("camera") ? "camera" : "sender"));
            }
        }
        return cameras;
    }

    @Test
    void eachUsersTokenIsABearerTokenAndItsBasicPassword() {
        for (String[] user : new String[][] { { "door", "door-token-9012", "viewer" },
                { "viewer", "viewer-token-5678", "viewer" }, { "admin", "admin-token-1234", "admin" } }) {
            JsonNode bearer = http().with("Authorization", "Bearer " + user[1]).get("/me").json();
            assertThat(bearer.get("name").asString()).isEqualTo(user[0]);
            assertThat(bearer.get("role").asString()).isEqualTo(user[2]);
            JsonNode basic = http().basic(user[0], user[1]).get("/me").json();
            assertThat(basic.get("name").asString()).isEqualTo(user[0]);
        }
        JsonNode door = as("door").get("/me").json();
        assertThat(door.get("cameras").toString()).isEqualTo("[\"127.0.0.80/31\"]");
        assertThat(door.get("allCameras").asBoolean()).isFalse();
        assertThat(door.get("maySend").asBoolean()).isFalse();
        assertThat(as("operator").get("/me").json().get("maySend").asBoolean()).isTrue();
        assertThat(http().with("Authorization", "Bearer not-a-token").get("/me").status()).isEqualTo(401);
        assertThat(http().basic("door", "viewer-secret").get("/me").status()).as("another user's password")
            .isEqualTo(401);
    }

    @Test
    void anOperatorSendsAViewerMayNot() {
        Http.Response sent = as("operator").postJson("/send/list?host=127.0.0.1&port=" + this.ports.list(), "[4, 2]");
        assertThat(sent.status()).isEqualTo(200);
        Http.Response refused = as("viewer").postJson("/send/list?host=127.0.0.1&port=" + this.ports.list(), "[4, 2]");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asString()).contains("viewer").contains("operator");
        assertThat(as("operator").get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(as("viewer").get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(admin().get("/actuator/prometheus").text()).contains("udp_security_refused_total");
    }

}
