package dev.udpimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.Commands;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;

/**
 * {@code http-requests/} kept true: httpyac (npm, through npx) sends every request of
 * every file, in the order a user would (send.http first, so that there is something to
 * receive and record), against the running service, and each request's status is what its
 * {@code ?? status ==} line promises. A context of its own (the explicit history), so
 * that its images are numbered from 1 as the files assume.
 */
@ServiceTest
@TestPropertySource(properties = "udp.store.history=100")
class HttpRequestsIT extends ServiceTestSupport {

    private static final Path DIRECTORY = Path.of("http-requests");

    private static final List<String> FILES = List.of("send.http", "received.http", "recordings.http", "ops.http");

    private static final Pattern SUMMARY = Pattern
        .compile("(\\d+) requests processed \\((\\d+) succeeded(?:, (\\d+) failed)?(?:, (\\d+) errored)?\\)");

    @Test
    void everyRequestAnswersAsItsFileSays() throws IOException {
        int requests = 0;
        for (String file : FILES) {
            requests += Files.readString(DIRECTORY.resolve(file)).split("(?m)^### ").length - 1;
        }
        List<String> arguments = new ArrayList<>(List.of("send"));
        FILES.forEach(file -> arguments.add(DIRECTORY.resolve(file).toString()));
        arguments.addAll(List.of("--all", "--env", "local", "--var", "base=http://127.0.0.1:" + this.httpPort, "--var",
                "imagePort=" + this.ports.image(), "--var", "listPort=" + this.ports.list(), "-o", "short"));
        Commands.Result sent = Commands.npx("httpyac@6.16.7", arguments, 300);
        assertThat(sent.exit()).as(sent.output()).isZero();
        Matcher summary = SUMMARY.matcher(sent.output());
        assertThat(summary.find()).as(sent.output()).isTrue();
        assertThat(summary.group(1)).as("requests in the files").isEqualTo(String.valueOf(requests));
        assertThat(summary.group(2)).as("succeeded:\n" + sent.output()).isEqualTo(summary.group(1));
        assertThat(sent.output().split("✓ status == ", -1)).as("a status checked per request (the event stream aside)")
            .hasSize(requests);
    }

}
