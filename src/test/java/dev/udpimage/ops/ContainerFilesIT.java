package dev.udpimage.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.udpimage.support.Commands;

/**
 * The container files as an operator reviews them: both Dockerfiles pass
 * {@code dockerfilelint} (npm, through npx), and each compose file parses with Debian's
 * {@code docker-compose}, refuses to start without its passwords, pins every image it
 * does not build, restarts its services and starts each once what it depends on is
 * healthy (or, for a one-shot job, done).
 */
class ContainerFilesIT {

    private static final Map<String, String> SECRETS = Map.of("UDP_PASSWORD", "p1", "UDP_TOKEN", "t1",
            "POSTGRES_PASSWORD", "p2", "MINIO_PASSWORD", "p3", "GRAFANA_PASSWORD", "p4");

    @Test
    void bothDockerfilesPassTheLinter() throws IOException {
        Commands.Result lint = Commands.npx("dockerfilelint@1.8.0", List.of("Dockerfile", "deploy/balancer/Dockerfile"),
                300);
        assertThat(lint.exit()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("Issues: None found");
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).as("not root").contains("USER udpimage");
        assertThat(dockerfile).contains("HEALTHCHECK", "-Dmaven.test.skip=true", "--layers").doesNotContain(":latest");
    }

    @ParameterizedTest
    @ValueSource(strings = { "docker-compose.yml", "deploy/docker-compose.cluster.yml" })
    void theComposeFileParsesNeedsItsPasswordsAndPinsRestartsAndWaitsForHealth(String file) throws IOException {
        Commands.require(Files.isExecutable(Path.of("/usr/bin/docker-compose")), "docker-compose (Debian's)");
        Commands.Result config = Commands.run(List.of("docker-compose", "-f", file, "config"), SECRETS, 60);
        assertThat(config.exit()).as(config.output()).isZero();
        for (String password : List.of("UDP_PASSWORD", "POSTGRES_PASSWORD", "MINIO_PASSWORD", "GRAFANA_PASSWORD")) {
            if (Files.readString(Path.of(file)).contains(password)) {
                Map<String, String> without = new HashMap<>(SECRETS);
                without.remove(password);
                Commands.Result refused = Commands.run(List.of("docker-compose", "-f", file, "config", "-q"), without,
                        60);
                assertThat(refused.exit()).as(file + " without " + password).isNotZero();
                assertThat(refused.output()).contains("set " + password);
            }
        }
        JsonNode services = new YAMLMapper().readTree(config.output()).get("services");
        assertThat(services.size()).isPositive();
        assertThat(config.output()).as("waits for health somewhere").contains("condition: service_healthy");
        Set<String> built = new HashSet<>();
        services.forEach(service -> {
            if (service.has("build")) {
                built.add(service.path("image").asText());
            }
        });
        services.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            String image = service.path("image").asText();
            if (!built.contains(image)) { // an image this file builds is this
                                          // repository's
                assertThat(image).as(name + "'s image is pinned").contains(":").doesNotEndWith(":latest");
            }
            assertThat(service.path("restart").asText()).as(name + " restarts").isIn("unless-stopped", "on-failure");
            service.path("depends_on")
                .fields()
                .forEachRemaining(dependency -> assertThat(dependency.getValue().path("condition").asText())
                    .as(name + " waits for " + dependency.getKey())
                    .isIn("service_healthy", "service_completed_successfully", "service_started"));
        });
    }

}
