package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import tools.jackson.databind.JsonNode;

import dev.udpimage.support.Http;
import dev.udpimage.support.TestImages;

/**
 * Every operation of the committed OpenAPI document ({@code docs/openapi.yaml}), asked by
 * every role and by a viewer limited to camera A, for A and for B, against the running
 * service: the status each gets is stated in one table here, {@link #ROWS}. An operation
 * added to the API without its row, or a row for an operation that is gone, fails the
 * build; so does a row whose least role that gets in differs from the
 * {@code x-required-role} the document states.
 */
@UsersService
class EndpointRolesIT extends UsersTestSupport {

    private static final int OK = 200;

    private static final int FORBIDDEN = 403;

    private static final int NOT_FOUND = 404;

    /**
     * One operation: the request (with {@code {cam}}, {@code {event}}, {@code {image}}
     * for camera A's or B's, {@code {now}}, {@code {imagePort}}, {@code {listPort}}), and
     * the status for a viewer of all cameras, for {@code door} (a viewer of A) asking for
     * A and for B, for an operator and for an admin. Without credentials every one is
     * 401.
     */
    record Row(String operation, String request, int viewer, int doorA, int doorB, int operator, int admin) {

        boolean perCamera() {
            return this.request.contains("{cam}") || this.request.contains("{event}")
                    || this.request.contains("{image}");
        }

    }

    private static Row read(String operation, String request) {
        return new Row(operation, request, OK, OK, OK, OK, OK);
    }

    private static Row readOfCamera(String operation, String request) {
        return new Row(operation, request, OK, OK, NOT_FOUND, OK, OK);
    }

    private static Row send(String operation, String request) {
        return new Row(operation, request, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK);
    }

    private static Row admin(String operation, String request) {
        return new Row(operation, request, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK);
    }

    static final List<Row> ROWS = List.of(send("POST /send/list", "/send/list?host=127.0.0.1&port={listPort}"),
            send("POST /send/image", "/send/image?host=127.0.0.1&port={imagePort}"),
            read("GET /recordings", "/recordings"),
            readOfCamera("GET /recordings/spans", "/recordings/spans?sender={cam}"),
            readOfCamera("GET /recordings/replay.mjpeg", "/recordings/replay.mjpeg?sender={cam}&speed=1000"),
            readOfCamera("GET /recordings/lists", "/recordings/lists?sender={cam}"),
            readOfCamera("GET /recordings/frames", "/recordings/frames?sender={cam}"),
            readOfCamera("GET /recordings/frame", "/recordings/frame?sender={cam}&at={now}"),
            readOfCamera("GET /recordings/export", "/recordings/export?sender={cam}"),
            read("GET /received/streams", "/received/streams"),
            readOfCamera("GET /received/stream.mjpeg", "/received/stream.mjpeg?sender={cam}"),
            readOfCamera("GET /received/stream.jpg", "/received/stream.jpg?sender={cam}"),
            admin("GET /received/stats", "/received/stats"), read("GET /received/lists", "/received/lists"),
            read("GET /received/lists/latest", "/received/lists/latest"),
            read("GET /received/latest.png", "/received/latest.png"), read("GET /received/images", "/received/images"),
            readOfCamera("GET /received/images/{id}/original", "/received/images/{image}/original"),
            readOfCamera("GET /received/images/{id}.png", "/received/images/{image}.png"),
            read("GET /received/events", "/received/events"), read("GET /events", "/events"),
            readOfCamera("GET /events/{id}", "/events/{event}"),
            readOfCamera("GET /events/{id}/snapshot.jpg", "/events/{event}/snapshot.jpg"),
            readOfCamera("GET /events/{id}/clip", "/events/{event}/clip"), read("GET /events/live", "/events/live"),
            readOfCamera("GET /events/areas", "/events/areas?camera={cam}"), read("GET /me", "/me"));

    /** Not in the document: the actuator's endpoints, from the same rules. */
    static final List<Row> ACTUATOR = List.of(admin("GET /actuator/prometheus", "/actuator/prometheus"),
            admin("GET /actuator/metrics", "/actuator/metrics"), admin("GET /actuator/info", "/actuator/info"));

    @Test
    void everyOperationOfTheDocumentHasItsRowAndItsRole() throws IOException {
        Map<String, String> documented = documentedRoles();
        assertThat(new TreeSet<>(ROWS.stream().map(Row::operation).toList()))
            .as("a row per operation of docs/openapi.yaml, and none for one it does not have")
            .isEqualTo(new TreeSet<>(documented.keySet()));
        for (Row row : ROWS) {
            String least = row.viewer() != FORBIDDEN ? "viewer" : row.operator() != FORBIDDEN ? "operator" : "admin";
            assertThat(documented.get(row.operation())).as("x-required-role of %s", row.operation()).isEqualTo(least);
        }
    }

    @Test
    void everyRoleGetsWhatItsRowSays() throws Exception {
        camerasSent();
        Map<String, Map<String, String>> values = new LinkedHashMap<>();
        for (String camera : List.of(CAMERA_A, CAMERA_B)) {
            JsonNode image = admin().get("/received/images")
                .json()
                .valueStream()
                .filter(found -> found.get("sender").asString().startsWith(camera + ":"))
                .findFirst()
                .orElseThrow();
            values.put(camera, Map.of("{cam}", camera, "{event}", String.valueOf(events.get(camera)), "{image}",
                    image.get("id").asString()));
        }
        List<String> failures = new ArrayList<>();
        List<Row> all = new ArrayList<>(ROWS);
        all.addAll(ACTUATOR);
        for (Row row : all) {
            check(failures, row, "anonymous", http(), values.get(CAMERA_A), 401);
            check(failures, row, "viewer", as("viewer"), values.get(CAMERA_B), row.viewer());
            check(failures, row, "door, camera A", as("door"), values.get(CAMERA_A), row.doorA());
            check(failures, row, "door, camera B", as("door"), values.get(CAMERA_B), row.doorB());
            check(failures, row, "operator", as("operator"), values.get(CAMERA_B), row.operator());
            check(failures, row, "admin", admin(), values.get(CAMERA_B), row.admin());
        }
        assertThat(failures).as("requests that did not get their row's status").isEmpty();
        // the probes are open
        assertThat(http().get("/actuator/health").status()).isEqualTo(OK);
    }

    private void check(List<String> failures, Row row, String who, Http http, Map<String, String> camera,
            int expected) {
        String path = row.request()
            .replace("{now}", Instant.now().toString())
            .replace("{imagePort}", String.valueOf(this.ports.image()))
            .replace("{listPort}", String.valueOf(this.ports.list()));
        for (Map.Entry<String, String> value : camera.entrySet()) {
            path = path.replace(value.getKey(), value.getValue());
        }
        Http.Response response;
        if (row.operation().startsWith("POST /send/image")) {
            response = http.postFile(path, "file", "frame.jpg", TestImages.smallJpeg(3));
        }
        else if (row.operation().startsWith("POST /send/list")) {
            response = http.postJson(path, "[1, 2, 3]");
        }
        else {
            response = http.headersOf(path);
        }
        if (response.status() != expected) {
            failures.add(row.operation() + " as " + who + " (" + path + "): " + response.status() + ", expected "
                    + expected);
        }
        else if (expected >= 400 && !response.contentType().startsWith("application/problem+json")) {
            failures.add(row.operation() + " as " + who + ": " + expected + " without problem+json but "
                    + response.contentType());
        }
    }

    /**
     * {@code METHOD /path} of every operation of docs/openapi.yaml, with its
     * x-required-role.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> documentedRoles() throws IOException {
        Map<String, Object> document;
        try (InputStream in = Files.newInputStream(Path.of("docs", "openapi.yaml"))) {
            document = new Yaml().load(in);
        }
        Map<String, String> roles = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) document.get("paths"))
            .forEach((path, item) -> item.forEach((method, operation) -> {
                if (operation instanceof Map<?, ?> map && map.containsKey("responses")) {
                    roles.put(method.toUpperCase(Locale.ROOT) + " " + path, String.valueOf(map.get("x-required-role")));
                }
            }));
        return roles;
    }

}
