package dev.udpimage.notify.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.udpimage.support.Commands;

/**
 * Home Assistant's MQTT discovery configs as JSON Schemas written from its documentation
 * ({@code src/test/resources/homeassistant/}), checked by an independent validator: Ajv's
 * command line from the npm registry, pinned, run through npx, strict, draft-07.
 */
final class HomeAssistantSchema {

    static final String AJV = "ajv-cli@5.0.0";

    private static final Path SCHEMAS = Path.of("src/test/resources/homeassistant");

    private HomeAssistantSchema() {
    }

    /** Asserts that every payload is a valid config of {@code component}. */
    static void assertValid(String component, List<byte[]> payloads) throws IOException {
        Commands.Result result = validate(component, payloads);
        assertThat(result.exit()).as("%s configs against the schema: %s", component, result.output()).isZero();
    }

    /** Ajv's verdict on the payloads as configs of {@code component}. */
    static Commands.Result validate(String component, List<byte[]> payloads) throws IOException {
        Path dir = Files.createTempDirectory("discovery-");
        try {
            List<String> arguments = new ArrayList<>(List.of("validate", "-s",
                    SCHEMAS.resolve("mqtt-" + component.replace('_', '-') + ".schema.json").toString(), "-r",
                    SCHEMAS.resolve("mqtt-common.schema.json").toString(), "--spec=draft7", "--strict=true",
                    "--all-errors", "--errors=text"));
            for (int i = 0; i < payloads.size(); i++) {
                Path file = dir.resolve(component + "-" + i + ".json");
                Files.write(file, payloads.get(i));
                arguments.addAll(List.of("-d", file.toString()));
            }
            return Commands.npx(AJV, arguments, 300);
        }
        finally {
            try (var files = Files.list(dir)) {
                files.forEach(file -> file.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

}
