package dev.udpimage.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;

/**
 * {@code GET /received/events} over real HTTP: events arrive at once, and pages that
 * never read hold nothing up.
 */
@ServiceTest
class ViewerEventsTest extends ServiceTestSupport {

    @Test
    void everyImageAndListIsAnEventWithinASecondEvenWithIdlePagesOpen() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/received/events"))
            .header("Accept", "text/event-stream")
            .build();
        List<CompletableFuture<HttpResponse<Stream<String>>>> idle = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // pages that are open but never read their stream
            idle.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()));
        }
        HttpResponse<Stream<String>> page = client.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> page.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();

        try (LegacyTestClient images = new LegacyTestClient(this.ports.image());
                LegacyTestClient lists = new LegacyTestClient(this.ports.list())) {
            for (int i = 0; i < 20; i++) {
                images.sendChunked(TestImages.smallJpeg(600 + i));
                assertThat(images.reply(Duration.ofSeconds(2))).isEqualTo("get message!!!");
                long id = http().get("/received/images").json().get(0).get("id").asLong();
                assertThat(nextData(lines, "image")).contains("\"id\":" + id + ",");
            }
            lists.send("[0, 0, 0, 31337]");
            assertThat(lists.reply()).isEqualTo("get the msg");
            assertThat(nextData(lines, "list")).contains("[0,0,0,31337]");
        }
        finally {
            idle.forEach(future -> future.cancel(true));
            page.body().close();
        }
    }

    /**
     * The data line of the next event with that name, waiting at most a second for it.
     */
    private static String nextData(BlockingQueue<String> lines, String event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        boolean named = false;
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            if (line.equals("event:" + event)) {
                named = true;
            }
            else if (named && line.startsWith("data:")) {
                return line;
            }
        }
        throw new AssertionError("no '" + event + "' event within a second");
    }

}
