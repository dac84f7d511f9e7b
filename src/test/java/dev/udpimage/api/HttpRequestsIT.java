package dev.udpimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.HttpFiles;
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

    @Test
    void everyRequestAnswersAsItsFileSays() throws IOException {
        HttpFiles.sendAll(List.of("send.http", "received.http", "recordings.http", "events.http", "ops.http"),
                Map.of("base", "http://127.0.0.1:" + this.httpPort, "imagePort", String.valueOf(this.ports.image()),
                        "listPort", String.valueOf(this.ports.list())),
                2);
    }

}
