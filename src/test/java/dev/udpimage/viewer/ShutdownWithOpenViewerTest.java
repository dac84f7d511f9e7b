package dev.udpimage.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.udpimage.UdpImageServiceApplication;

/**
 * A viewer left open must not hold the service's shutdown for the web server's 30 s grace
 * period.
 */
class ShutdownWithOpenViewerTest {

    @Test
    void openEventStreamsEndWhenTheServiceStops() throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(UdpImageServiceApplication.class).run(
                "--server.port=0", "--udp.image-port=0", "--udp.list-port=0", "--udp.bind-address=127.0.0.1",
                "--udp.store.dir=");
        String port = context.getEnvironment().getProperty("local.server.port");
        HttpResponse<Stream<String>> page = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/received/events"))
                .header("Accept", "text/event-stream")
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(page.statusCode()).isEqualTo(200);
        CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> page.body().count());

        long started = System.nanoTime();
        context.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - started);

        assertThat(closing).as("shutdown with a viewer open").isLessThan(Duration.ofSeconds(15));
        assertThat(ended.get(5, TimeUnit.SECONDS)).as("the stream ended").isNotNegative();
    }

}
