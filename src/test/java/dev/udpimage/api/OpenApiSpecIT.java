package dev.udpimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.Commands;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;

/**
 * The committed OpenAPI document ({@code docs/openapi.yaml}, from which the build
 * generates the client of {@code OpenApiClientIT}) is the running service's, and passes
 * Redocly's recommended rules with no errors ({@code @redocly/cli} from npm, through
 * npx).
 */
@ServiceTest
class OpenApiSpecIT extends ServiceTestSupport {

    static final Path SPEC = Path.of("docs", "openapi.yaml");

    @Test
    void theCommittedDocumentIsTheRunningServices() throws IOException {
        String served = http().get("/v3/api-docs.yaml").text();
        if (!served.equals(Files.readString(SPEC))) {
            Path now = Path.of("target", "openapi.yaml");
            Files.writeString(now, served);
            assertThat(served)
                .as("docs/openapi.yaml differs from the running service's /v3/api-docs.yaml; if the "
                        + "change is meant: cp target/openapi.yaml docs/openapi.yaml")
                .isEqualTo(Files.readString(SPEC));
        }
    }

    @Test
    void redoclyLintsItWithNoErrors() throws IOException {
        Commands.Result lint = Commands.npx("@redocly/cli@2.77.0", List.of("lint", SPEC.toString(), "--format=stylish"),
                300);
        assertThat(lint.exit()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("Your API description is valid");
    }

}
