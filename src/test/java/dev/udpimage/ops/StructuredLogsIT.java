package dev.udpimage.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceProcess;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code json-logs} profile, as an operator runs it: the service as a process (with
 * {@code jvm.options}), every line it prints is one JSON object with the fields a log
 * collector filters on, a datagram it drops is logged as a warning naming why, and no
 * banner.
 */
class StructuredLogsIT {

    @Test
    void everyLineIsOneJsonObjectWithTheFieldsAnOperatorFiltersOn() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "json-logs");
        Path log = dir.resolve("service.log");
        try (ServiceProcess service = ServiceProcess.start(List.of("@" + Path.of("jvm.options").toAbsolutePath()), log,
                "--spring.profiles.active=json-logs", "--udp.store.dir=" + dir.resolve("store"))) {
            try (LegacyTestClient client = new LegacyTestClient(service.imagePort())) {
                client.sendChunked(TestImages.smallJpeg(1));
                assertThat(client.reply()).isEqualTo("get message!!!");
            }
            try (LegacyTestClient client = new LegacyTestClient(service.listPort())) {
                client.send("not json");
                assertThat(client.reply()).startsWith("error:");
            }
        }
        JsonMapper json = JsonMapper.builder().build();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                // throws on anything that is not JSON: a banner, a stray print
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).as("the start-up and shut-down lines at least").hasSizeGreaterThan(5);
        for (JsonNode line : lines) {
            assertThat(line.isObject()).as(line.toString()).isTrue();
            // ECS nests its dotted names: log.level is {"log": {"level": ...}}
            for (String field : List.of("/@timestamp", "/log/level", "/log/logger", "/process/thread/name",
                    "/message")) {
                assertThat(line.at(field).isString()).as(field + " in " + line).isTrue();
            }
            assertThat(line.at("/service/name").asString()).isEqualTo("udp-image-service");
        }
        assertThat(lines).as("the dropped list, a warning that says why").anySatisfy(line -> {
            assertThat(line.at("/log/level").asString()).isEqualTo("WARN");
            assertThat(line.at("/message").asString()).containsIgnoringCase("json");
        });
    }

}
