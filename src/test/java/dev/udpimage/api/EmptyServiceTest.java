package dev.udpimage.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.Http;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;

/**
 * A service of its own that has received nothing: the "latest" endpoints are 404
 * problems, lists are empty.
 */
@ServiceTest
// a distinct context, so nothing else sent to it
@TestPropertySource(properties = "udp.store.history=3")
class EmptyServiceTest extends ServiceTestSupport {

    @Test
    void latestEndpointsAre404ProblemsBeforeAnythingArrived() {
        Http http = http();
        for (String path : new String[] { "/received/latest.png", "/received/lists/latest" }) {
            Http.Response response = http.get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.json().get("detail").asString()).contains("received yet");
        }
        assertThat(http.get("/received/images").text()).isEqualTo("[]");
        assertThat(http.get("/received/lists").text()).isEqualTo("[]");
    }

}
