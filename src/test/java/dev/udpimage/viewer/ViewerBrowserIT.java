package dev.udpimage.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import org.springframework.beans.factory.annotation.Autowired;

import dev.udpimage.api.received.ReceivedEvents;
import dev.udpimage.support.BrowserTestSupport;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.TestImages;

/**
 * The live viewer in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}), driven by Selenium: images and lists sent over UDP appear
 * without a reload, the form sends through the API, and Swagger UI lists the endpoints.
 * Screenshots go to {@code target/viewer-*.png}. Needs {@link Chromium}.
 */
@ServiceTest
class ViewerBrowserIT extends BrowserTestSupport {

    @Autowired
    ReceivedEvents events;

    private String url(String path) {
        return "http://127.0.0.1:" + this.httpPort + path;
    }

    private static void waitFor(String what, java.util.function.Supplier<Boolean> condition) {
        waitFor(what, Duration.ofSeconds(10), condition);
    }

    private long largeNaturalWidth() {
        return (Long) js("return document.getElementById('large').naturalWidth;");
    }

    private long largeNaturalHeight() {
        return (Long) js("return document.getElementById('large').naturalHeight;");
    }

    @Test
    void imagesAndListsAppearLiveAndTheFormSendsThroughTheApi() throws IOException {
        browser.get(url("/"));
        waitFor("the page connects to /received/events",
                () -> "live".equals(browser.findElement(By.id("connection")).getAttribute("data-state")));
        js("window.notReloaded = true;");

        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            client.sendChunked(TestImages.jpeg(TestImages.photo(333, 222, 20, 501), 0.9f));
            assertThat(client.reply()).isEqualTo("get message!!!");
        }
        waitFor("the large image becomes the 333x222 one", () -> largeNaturalWidth() == 333);
        assertThat(largeNaturalHeight()).isEqualTo(222);
        assertThat(browser.findElement(By.id("large-caption")).getText()).contains("333×222 jpeg");

        try (LegacyTestClient client = new LegacyTestClient(this.ports.list())) {
            client.send("[0, 0, 0, 4242]");
            assertThat(client.reply()).isEqualTo("get the msg");
        }
        waitFor("the list shows up",
                () -> browser.findElement(By.cssSelector("#lists li")).getText().startsWith("[0,0,0,4242]"));
        waitFor("counters are shown", () -> !browser.findElements(By.cssSelector("#counters dd")).isEmpty());
        assertThat(js("return window.notReloaded === true;")).as("no reload happened").isEqualTo(true);
        screenshot("viewer-live");

        Path upload = Files.createTempFile("viewer-upload-", ".jpg");
        Files.write(upload, TestImages.jpeg(TestImages.photo(200, 100, 10, 502), 0.9f));
        browser.findElement(By.id("send-file")).sendKeys(upload.toString());
        browser.findElement(By.id("send-button")).click();
        waitFor("the form reports the reply",
                () -> browser.findElement(By.id("send-result")).getText().startsWith("get message!!!"));
        waitFor("the sent image becomes the large one", () -> largeNaturalWidth() == 200);
        assertThat(largeNaturalHeight()).isEqualTo(100);
        screenshot("viewer-after-send");

        browser.findElement(By.id("send-host")).clear();
        browser.findElement(By.id("send-host")).sendKeys("no-such-host.invalid");
        browser.findElement(By.id("send-button")).click();
        waitFor("the form shows the problem detail",
                () -> browser.findElement(By.id("send-result"))
                    .getText()
                    .startsWith("400 Bad request: unknown host 'no-such-host.invalid'"));

        browser.findElement(By.cssSelector("#thumbnails li:nth-child(2) button")).click();
        waitFor("a clicked thumbnail is shown large", () -> largeNaturalWidth() == 333);
        assertThat(js("return window.notReloaded === true;")).isEqualTo(true);
        Files.deleteIfExists(upload);
    }

    @Test
    void thePageReconnectsByItselfWhenTheStreamEnds() {
        browser.get(url("/"));
        waitFor("the page connects", () -> "live".equals(state()));
        js("window.notReloaded = true;");
        this.events.completeAll(); // what a restart does to every open page
        waitFor("the page notices", () -> !"live".equals(state()));
        waitFor("and reconnects", () -> "live".equals(state()));
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            client.sendChunked(TestImages.jpeg(TestImages.photo(271, 131, 20, 503), 0.9f));
            assertThat(client.reply()).isEqualTo("get message!!!");
        }
        waitFor("images arrive again", () -> largeNaturalWidth() == 271);
        assertThat(js("return window.notReloaded === true;")).isEqualTo(true);
    }

    /**
     * Four cameras play and stop while the page shows them, so tiles go from live to
     * still and back: each still must give its MJPEG connection back (a browser has six
     * for the page), or the page's own requests wait for ever.
     */
    @Test
    void tilesThatStopPlayingLiveGiveTheirConnectionsBack() throws Exception {
        browser.get(url("/"));
        waitFor("the page connects", () -> "live".equals(state()));
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.List<Thread> cameras = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            java.net.InetAddress address = java.net.InetAddress.getByName("127.0.0." + (91 + c));
            int rest = 60 + 40 * c; // different rates: the busiest change places as they
                                    // stop
            Thread camera = new Thread(() -> {
                try (LegacyTestClient client = new LegacyTestClient(address, this.ports.image())) {
                    for (int i = 0; sending.get(); i++) {
                        client.sendChunked(TestImages.smallJpeg(9100 + i));
                        client.reply(Duration.ofSeconds(2));
                        Thread.sleep(rest);
                    }
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            camera.start();
            cameras.add(camera);
        }
        waitFor("three tiles live",
                () -> ((Number) js("return document.querySelectorAll('#stream-tiles li[data-live=\"true\"]').length"))
                    .intValue() == 3);
        Thread.sleep(2000);
        sending.set(false);
        for (Thread camera : cameras) {
            camera.join();
        }
        for (int i = 0; i < 6; i++) {
            Thread.sleep(1000);
            // a request of the page's own, while the tiles change from live to still
            Object answer = ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeAsyncScript("const done = arguments[0]; const abort = new AbortController();"
                        + "setTimeout(() => abort.abort(), 3000);"
                        + "fetch('/received/streams', { signal: abort.signal })"
                        + ".then(r => done('answered ' + r.status), e => done('waited: ' + e));");
            assertThat(answer).as("the page's request %d after the cameras stopped", i).isEqualTo("answered 200");
        }
    }

    private String state() {
        return browser.findElement(By.id("connection")).getAttribute("data-state");
    }

    @Test
    void swaggerUiShowsTheEndpoints() throws IOException {
        browser.get(url("/swagger-ui.html"));
        waitFor("Swagger UI renders the operations",
                () -> browser.findElements(By.cssSelector(".opblock")).size() >= 9);
        String page = browser.findElement(By.tagName("body")).getText();
        assertThat(page).contains("/send/image", "/send/list", "/received/latest.png", "/received/events");
        screenshot("viewer-swagger");
    }

}
