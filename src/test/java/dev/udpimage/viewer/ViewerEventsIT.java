package dev.udpimage.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.motion.Scenes;
import dev.udpimage.support.BrowserTestSupport;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.TestImages;

/**
 * The viewer's motion events in headless Chromium, with a camera that has a zone and a
 * mask: someone crosses its room (synthetic frames at 25 fps through the image port, as
 * {@code MotionIT} sends them), and at a phone's 375 px the page, never reloaded, lists
 * the event as it happens (told by {@code /events/live}) with its snapshot, lights the
 * tile, marks the event on the timeline, and shows the zone's label and the mask over the
 * tile; the camera stops and its tile says offline within a few seconds of
 * {@code udp.streams.offline-after}, then online when it sends again; choosing the event
 * replays its clip's range from the recording and offers its clip. At 1280 px the mark
 * tells its time and zone and plays the event too. Screenshots:
 * {@code target/viewer-events-375.png}, {@code target/viewer-events-1280.png}.
 */
@ServiceTest
@TestPropertySource(properties = { "udp.streams.offline-after=3s",
        "udp.motion.cameras[127.0.0.51].zones.door=0,0 0.45,0 0.45,1 0,1",
        "udp.motion.cameras[127.0.0.51].masks[0]=0.7,0 1,0 1,0.3 0.7,0.3" })
class ViewerEventsIT extends BrowserTestSupport {

    private static final String CAMERA = "127.0.0.51";

    private static final int FPS = 25;

    /** The camera sending, if it is. */
    private Thread camera;

    @AfterEach
    void stopTheCamera() throws InterruptedException {
        if (this.camera != null) { // a failed test: its frames stop
            this.camera.interrupt();
            this.camera.join();
        }
    }

    private static void waitFor(String what, Supplier<Boolean> condition) {
        waitFor(what, Duration.ofSeconds(20), condition);
    }

    private static boolean is(String script) {
        return Boolean.TRUE.equals(js(script));
    }

    private static String text(String script) {
        return String.valueOf(js(script));
    }

    @Test
    void anEventListedMarkedAndPlayedAndTheCameraOfflineAndBackAtPhoneAndDesktopWidths() throws Exception {
        // rendered first, so that the camera sends at 25 fps: someone crossing from 1.5 s
        // to
        // 4.5 s, through the door
        byte[][] crossing = render(Scenes.crossing(640, 480, 51, 1.5, 4.5), 8);
        byte[][] still = render(Scenes.still(640, 480, 51), 4);

        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get("http://127.0.0.1:" + this.httpPort + "/");
        waitFor("the page connects",
                () -> "live".equals(browser.findElement(By.id("connection")).getAttribute("data-state")));
        js("window.notReloaded = true;");
        // what the page tells screen readers, and when the tile turned offline, as it
        // happens
        js("window.announced = []; new MutationObserver(() => window.announced.push("
                + "document.getElementById('announce').textContent))"
                + ".observe(document.getElementById('announce'), { childList: true, characterData: true, subtree: true });"
                + " new MutationObserver(() => { const tile = document.querySelector('#stream-tiles li.offline');"
                + " if (tile && !window.offlineAt) { window.offlineAt = Date.now(); } })"
                + ".observe(document.getElementById('stream-tiles'), { attributes: true, subtree: true });");
        AtomicReference<Instant> stoppedAt = new AtomicReference<>();
        this.camera = send(crossing, stoppedAt);

        waitFor("the tile with the zone's label and the mask",
                () -> is("const tile = " + "document.querySelector('#stream-tiles li'); return !!tile"
                        + " && [...tile.querySelectorAll('.zone-label')].some(l => l.textContent === 'door')"
                        + " && tile.querySelectorAll('svg polygon.mask').length === 1"
                        + " && tile.querySelectorAll('svg polygon.zone').length === 1;"));
        assertThat(text("return document.querySelector('#stream-tiles svg').getAttribute('aria-label');"))
            .isEqualTo("zones: door; 1 masked area");
        // the overlay covers the picture: a 640x480 frame fills the tile's 4:3 box
        assertThat(text("const o = document.querySelector('#stream-tiles .overlay').getBoundingClientRect();"
                + " const i = document.querySelector('#stream-tiles img').getBoundingClientRect();"
                + " return [o.left - i.left, o.top - i.top, o.width - i.width, o.height - i.height]"
                + ".every(d => Math.abs(d) < 1.5);"))
            .isEqualTo("true");

        waitFor("the event, listed while it lasts",
                () -> is("return !!document.querySelector('#event-list li.open');"));
        long id = ((Number) js("return Number(document.querySelector('#event-list li').dataset.id);")).longValue();
        // the zones it touched come with its updates
        assertThat(text("return window.announced[0];")).as("told by /events/live").startsWith("Motion on " + CAMERA);
        waitFor("the tile lit while the event lasts",
                () -> is("return document.querySelector('#stream-tiles li').classList.contains('motion')"
                        + " && !!document.querySelector('#stream-tiles svg rect.box');"));
        // the desktop while it happens, with its open mark if the timeline shows already
        // (it comes within 5 s)
        try {
            waitFor("the open event's mark", Duration.ofSeconds(4),
                    () -> is("return !!document.querySelector('#rec-marks button.mark.open');"));
        }
        catch (TimeoutException ex) {
            System.out.println("no open mark for the screenshot: " + ex.getMessage());
        }
        assertFitsTheScreen();
        screenshot("viewer-events-1280-motion");
        browser.manage().window().setSize(new Dimension(375, 900));
        waitFor("the phone's layout", () -> ((Number) js("return window.innerWidth;")).intValue() < 400);
        waitFor("the event's end", () -> is("return !document.querySelector('#event-list li.open');"));
        assertThat(is("return document.querySelector('#stream-tiles li').classList.contains('motion');"))
            .as("the tile unlit once it ended")
            .isFalse();
        String item = "document.querySelector('#event-list li[data-id=\"" + id + "\"]')";
        js(item + ".scrollIntoView();");
        waitFor("its snapshot", () -> is(
                "const img = " + item + ".querySelector('img');" + " return img.complete && img.naturalWidth > 0;"));
        assertThat(text("return " + item + ".querySelector('img').getAttribute('src');"))
            .startsWith("/events/" + id + "/snapshot.jpg");
        assertThat(text("return " + item + ".querySelector('.zones').textContent;")).isEqualTo("door");
        assertThat(text("return " + item + ".querySelector('.length').textContent;")).matches("[0-9]+ s");
        waitFor("its mark on the timeline",
                () -> is("return !!document.querySelector('#rec-marks button.mark[data-id=\"" + id + "\"]');"));

        this.camera.join();
        waitFor("the tile says offline",
                () -> is("const tile = document.querySelector('#stream-tiles li');"
                        + " return tile.classList.contains('offline')"
                        + " && tile.querySelector('.presence').textContent.startsWith('offline since');"));
        Duration offline = Duration.between(stoppedAt.get(),
                Instant.ofEpochMilli(((Number) js("return window.offlineAt;")).longValue()));
        System.out.printf("offline on the tile %d ms after the camera stopped (offline-after 3 s)%n",
                offline.toMillis());
        // offline-after counts from the last frame's arrival, a little before its reply;
        // the page looks every second, and so does the service
        assertThat(offline).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(8));
        assertThat(text("return document.querySelector('#stream-tiles .caption').textContent;"))
            .contains("offline since");
        assertThat(text("return window.announced.join('|');")).contains("Camera " + CAMERA + " is offline since");
        js("window.scrollTo(0, 0);");
        screenshot("viewer-events-offline-375");

        this.camera = send(still, stoppedAt);
        waitFor("the tile online again", () -> is("const tile = document.querySelector('#stream-tiles li');"
                + " return !tile.classList.contains('offline') && !tile.querySelector('.presence');"));
        assertThat(text("return window.announced.join('|');")).contains("Camera " + CAMERA + " is online again");
        this.camera.join();

        // "all cameras", or just this one
        assertThat(text("return [...document.getElementById('ev-camera').options].map(o => o.value).join('|');"))
            .isEqualTo("|" + CAMERA);
        new Select(browser.findElement(By.id("ev-camera"))).selectByValue(CAMERA);
        waitFor("the camera's events", () -> is("return document.getElementById('event-list')"
                + ".classList.contains('one-camera') && !!" + item + ";"));

        // a click on the event plays its clip's range from the recording
        browser.findElement(By.cssSelector("#event-list li[data-id=\"" + id + "\"] button")).click();
        assertReplaysEvent(id);
        String download = text("return document.getElementById('event-download').href;");
        assertThat(download).endsWith("/events/" + id + "/clip?format=mkv");
        Object clip = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " fetch(document.getElementById('event-download').href)"
                + ".then(r => r.arrayBuffer().then(b => done(r.status + ' ' + r.headers.get('content-type')"
                + " + ' ' + b.byteLength)));");
        assertThat(String.valueOf(clip)).startsWith("200 video/x-matroska");
        assertFitsTheScreen();
        js("window.scrollTo(0, 0);");
        screenshot("viewer-events-375");

        browser.manage().window().setSize(new Dimension(1280, 1000));
        waitFor("the desktop layout", () -> ((Number) js("return window.innerWidth;")).intValue() > 1000);
        assertFitsTheScreen();
        WebElement timeline = browser.findElement(By.id("rec-timeline"));
        new Actions(browser).moveToElement(timeline, -timeline.getSize().getWidth() / 2 + 3, 0).click().perform();
        waitFor("a moment of the user's own: the event left", () -> is("return document.getElementById('rec-event')"
                + ".hidden && document.getElementById('rec-frame').src.includes('/recordings/frame?');"));
        WebElement mark = browser.findElement(By.cssSelector("#rec-marks button.mark[data-id=\"" + id + "\"]"));
        new Actions(browser).moveToElement(mark).perform();
        waitFor("the mark tells its time and zone",
                () -> is("const tip = document.getElementById('rec-tip');"
                        + " return !tip.hidden && tip.textContent.startsWith('Event " + id + "')"
                        + " && tip.textContent.endsWith('door');"));
        mark.click();
        assertReplaysEvent(id);
        // the page scrolls the replay into view (smoothly): the screenshot waits for it
        waitFor("the scroll to end", () -> is("const y = window.scrollY; return new Promise(r => "
                + "setTimeout(() => r(window.scrollY === y), 300));"));
        assertThat(is("return document.querySelector('#rec-marks button.mark[data-id=\"" + id + "\"]')"
                + ".getAttribute('aria-current') === 'true';"))
            .isTrue();
        assertThat(is("return window.notReloaded === true;")).as("no reload happened").isTrue();
        js("window.scrollTo(0, 0);");
        screenshot("viewer-events-1280");
    }

    /**
     * The replay <img> plays the recording from 5 s before the event to 5 s after it, and
     * shows its frames.
     */
    private static void assertReplaysEvent(long id) {
        String src = text("return document.getElementById('rec-frame').src;");
        assertThat(src).contains("/recordings/replay.mjpeg?sender=" + CAMERA);
        Instant from = Instant.parse(src.replaceAll(".*[?&]from=([^&]+).*", "$1"));
        Instant to = Instant.parse(src.replaceAll(".*[?&]to=([^&]+).*", "$1"));
        Object event = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " fetch('/events/" + id + "').then(r => r.json()).then(e => done(e.start + ' ' + e.end));");
        String[] range = String.valueOf(event).split(" ");
        // the page's times are milliseconds: the event's are finer
        assertThat(Duration.between(from, Instant.parse(range[0])).toMillis()).isBetween(5000L, 5001L);
        assertThat(Duration.between(Instant.parse(range[1]), to).toMillis()).isBetween(4999L, 5000L);
        waitFor("the replay's frames", () -> is("const img = document.getElementById('rec-frame');"
                + " return img.src.includes('/recordings/replay.mjpeg') && img.naturalWidth === 640;"));
        assertThat(text("return document.getElementById('rec-time').textContent;"))
            .startsWith("Event " + id + " on " + CAMERA);
    }

    private static void assertFitsTheScreen() {
        assertThat(is("return document.documentElement.scrollWidth <= window.innerWidth + 1;"))
            .as("nothing wider than the window (%s px)", js("return window.innerWidth;"))
            .isTrue();
    }

    /** A scene's frames, numbered, for {@code seconds} at 25 fps. */
    private static byte[][] render(Scenes scene, int seconds) {
        return IntStream.range(0, seconds * FPS)
            .parallel()
            .mapToObj(i -> TestImages.withComment(scene.jpeg((double) i / FPS, 0.8f), CAMERA + "/" + i))
            .toArray(byte[][]::new);
    }

    /**
     * Sends the frames at 25 fps from the camera's address, each answered before the
     * next, on a thread of its own; says when it sent the last.
     */
    private Thread send(byte[][] frames, AtomicReference<Instant> stoppedAt) {
        Thread thread = new Thread(() -> {
            long period = TimeUnit.SECONDS.toNanos(1) / FPS;
            try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(CAMERA), this.ports.image())) {
                long start = System.nanoTime();
                for (int i = 0; i < frames.length && !Thread.currentThread().isInterrupted(); i++) {
                    LockSupport.parkNanos(start + i * period - System.nanoTime());
                    client.sendChunked(frames[i]);
                    client.reply(Duration.ofSeconds(2));
                }
            }
            catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
            finally {
                stoppedAt.set(Instant.now());
            }
        }, "camera " + CAMERA);
        thread.start();
        return thread;
    }

}
