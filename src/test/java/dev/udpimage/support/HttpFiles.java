package dev.udpimage.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files of {@code http-requests/} sent by httpyac (npm, through npx) against the running
 * service: every request of every file, in the order given, each request's status what
 * its {@code ?? status ==} line promises.
 */
public final class HttpFiles {

    private static final Path DIRECTORY = Path.of("http-requests");

    private static final Pattern SUMMARY = Pattern
        .compile("(\\d+) requests processed \\((\\d+) succeeded(?:, (\\d+) failed)?(?:, (\\d+) errored)?\\)");

    private HttpFiles() {
    }

    /**
     * @param variables {@code base}, the ports, credentials: what the files use
     * @param eventStreams requests of the files that open an event stream (httpyac prints
     * no status check for those)
     */
    public static void sendAll(List<String> files, Map<String, String> variables, int eventStreams) throws IOException {
        int requests = 0;
        int checked = 0;
        // a process per file: httpyac returns from an event stream (SSE) and leaves it
        // open,
        // and a later request of the same process may be sent on that connection, reading
        // the stream's events as its answer
        for (String file : files) {
            int inFile = Files.readString(DIRECTORY.resolve(file)).split("(?m)^### ").length - 1;
            List<String> arguments = new ArrayList<>(List.of("send", DIRECTORY.resolve(file).toString()));
            arguments.addAll(List.of("--all", "--env", "local", "-o", "short"));
            variables.forEach((name, value) -> arguments.addAll(List.of("--var", name + "=" + value)));
            Commands.Result sent = Commands.npx("httpyac@6.16.7", arguments, 300);
            assertThat(sent.exit()).as(sent.output()).isZero();
            Matcher summary = SUMMARY.matcher(sent.output());
            assertThat(summary.find()).as(sent.output()).isTrue();
            assertThat(summary.group(1)).as("requests in " + file).isEqualTo(String.valueOf(inFile));
            assertThat(summary.group(2)).as("succeeded:\n" + sent.output()).isEqualTo(summary.group(1));
            requests += inFile;
            checked += sent.output().split("✓ status == ", -1).length - 1;
        }
        assertThat(checked).as("a status checked per request (the event streams aside)")
            .isEqualTo(requests - eventStreams);
    }

}
