package dev.udpimage.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.BrowserTestSupport;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The replay's lists in headless Chromium: a sender sends frames at 10 fps to the image
 * port and, from the same address (one camera: the camera key is the IP), a list
 * {@code [n, 2n]} every 300 ms to the list port, for 8 s. The page replays that stretch,
 * and beside the frame its "Lists from" panel shows, at every moment the test looks
 * (while playing, paused, scrubbed forward and back), exactly the list that
 * {@code GET /recordings/lists?from=&to=} says was sent last at or before that moment:
 * "no list yet" before the first. It asks for a window of lists at a time, not a list a
 * tick. At 375 px the panel goes under the frame and nothing is wider than the screen. A
 * load of lists that hangs is aborted when the camera is left. Screenshots:
 * {@code target/viewer-replay-lists-1280.png},
 * {@code target/viewer-replay-lists-375.png}.
 */
@ServiceTest
@TestPropertySource(properties = "udp.recording.segment-duration=1s")
class ViewerReplayListsIT extends BrowserTestSupport {

    private static final String CAMERA = "127.0.0.61";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A list as the service recorded it. */
    private record Sent(long id, Instant receivedAt, JsonNode value) {
    }

    /** What the panel shows, and for which moment. */
    private record Shown(long at, String id, String text, String receivedAt, double recAt, boolean playing) {
    }

    private static void waitFor(String what, Supplier<Boolean> condition) {
        waitFor(what, Duration.ofSeconds(20), condition);
    }

    @Test
    void thePanelShowsTheListOfTheMomentShownWhilePlayingPausedAndScrubbed() throws Exception {
        Instant start = Instant.now();
        sendFramesAndLists();
        Instant end = Instant.now();
        List<Sent> sent = recordedLists(start.minusSeconds(1), end.plusSeconds(1));
        System.out.printf("%d lists recorded in %d ms%n", sent.size(), Duration.between(start, end).toMillis());
        assertThat(sent).as("a list every 300 ms for 8 s, from 1 s on").hasSizeBetween(22, 27);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(sent.get(i).value().toString()).isEqualTo("[" + i + "," + 2 * i + "]");
        }

        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get("http://127.0.0.1:" + this.httpPort + "/");
        waitFor("the camera's recording, to its last frame",
                () -> Boolean.TRUE.equals(js("return [...document.querySelectorAll('#rec-camera option')]"
                        + ".some(o => o.value === '" + CAMERA + "');")));
        new Select(browser.findElement(By.id("rec-camera"))).selectByValue(CAMERA);
        waitFor("its timeline to the end",
                () -> Boolean.TRUE.equals(js("return rec.camera === '" + CAMERA + "' && rec.to >= "
                        + (end.toEpochMilli() - 300) + " && !!document.querySelector('#rec-timeline .span');")));
        String range = (String) js("return rec.from + '/' + rec.to;");
        assertThat((Boolean) js("return document.getElementById('rec-lists').hidden;"))
            .as("no panel before a moment is chosen")
            .isTrue();
        js("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(2000);");

        // the start, before the first list: none yet
        long first = click(0.02);
        Shown shown = shownAt(first);
        assertThat(shown.id()).as("the moment %s is before the first list", Instant.ofEpochMilli(first)).isEmpty();
        assertThat(shown.text()).isEqualTo("no list yet");
        assertThat(expected(sent, first)).isNull();

        // play from there, and look every 400 ms for 6 s
        browser.findElement(By.id("rec-play")).click();
        Set<String> ids = new HashSet<>();
        int looks = 0;
        long playStart = System.nanoTime();
        while (System.nanoTime() - playStart < TimeUnit.SECONDS.toNanos(6)) {
            TimeUnit.MILLISECONDS.sleep(400);
            Shown now = shown();
            assertThat(now.playing()).as("still playing").isTrue();
            // the panel follows the cursor: it shows the cursor's moment (both move every
            // 250 ms)
            assertThat(now.recAt() - now.at()).as("the panel's moment behind the cursor").isBetween(0.0, 1.0);
            assertShows(sent, now);
            ids.add(now.id());
            looks++;
        }
        System.out.printf("while playing: %d looks, %d different lists shown%n", looks, ids.size());
        assertThat(ids).as("the panel changes as the replay plays").hasSizeGreaterThanOrEqualTo(10);

        // paused: the frame of that moment, and its list
        browser.findElement(By.id("rec-play")).click();
        long paused = frameAt();
        int whilePlaying = listRequests();
        System.out.printf("list requests: %d for the start and 6 s of replay: %s%n", whilePlaying, requests());
        // the list at the moment, its window, and the next windows (shorter while the
        // stretch is within 2 s of now: its lists may not all be recorded yet)
        assertThat(whilePlaying).as("a window at a time, not a request a tick").isLessThanOrEqualTo(6);
        assertShows(sent, shownAt(paused));

        // scrubbed forward and back: the frame's moment, and its list
        for (double share : new double[] { 0.35, 0.6, 0.97, 0.2, 0.5 }) {
            long at = click(share);
            Shown now = shownAt(at);
            assertShows(sent, now);
            System.out.printf("at %.0f%% of the timeline (%s): list %s%n", share * 100, Instant.ofEpochMilli(at),
                    now.id());
        }
        assertThat(listRequests()).as("pausing and scrubbing within the window asks for nothing")
            .isEqualTo(whilePlaying);

        // four times as fast, from a moment before the window: a window of its own, 40 s
        // long
        new Select(browser.findElement(By.id("rec-speed"))).selectByVisibleText("4");
        js("recLists.camera = null;"); // as if it were another camera's: the page forgets
                                       // it
        click(0.1);
        browser.findElement(By.id("rec-play")).click();
        Set<String> fast = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            TimeUnit.MILLISECONDS.sleep(300);
            Shown now = shown();
            if (now.playing()) {
                assertThat(now.recAt() - now.at()).as("the panel's moment behind the cursor").isBetween(0.0, 1.0);
                assertShows(sent, now);
                fast.add(now.id());
            }
        }
        System.out.printf("at speed 4: %d different lists shown; list requests in all: %d: %s%n", fast.size(),
                listRequests(), requests());
        assertThat(fast).as("the panel changes as the replay plays").hasSizeGreaterThanOrEqualTo(3);
        assertThat(((Number) js("return recLists.lists.length;")).intValue()).as("lists the page holds")
            .isLessThanOrEqualTo(600);
        if (Boolean.TRUE.equals(js("return rec.playing;"))) {
            browser.findElement(By.id("rec-play")).click();
        }
        click(0.55);

        // read as a whole, and never announced
        assertThat((String) js("return document.getElementById('rec-lists-title').textContent;"))
            .isEqualTo("Lists from " + CAMERA);
        assertThat((String) js("return document.getElementById('rec-list').getAttribute('aria-labelledby');"))
            .isEqualTo("rec-lists-title rec-lists-when");
        assertThat((Boolean) js("return !document.getElementById('rec-lists').closest('[aria-live]')"
                + " && !document.querySelector('#rec-lists [aria-live]');"))
            .isTrue();
        assertBeside(true);
        assertFitsTheScreen();
        js("document.getElementById('recordings').scrollIntoView();");
        screenshot("viewer-replay-lists-1280");

        browser.manage().window().setSize(new Dimension(375, 900));
        waitFor("the phone's layout", () -> ((Number) js("return window.innerWidth;")).intValue() < 400);
        long phone = click(0.75);
        assertShows(sent, shownAt(phone));
        assertBeside(false);
        assertFitsTheScreen();
        js("document.getElementById('rec-lists').scrollIntoView({ block: 'center' });");
        screenshot("viewer-replay-lists-375");

        // a list with more in it: indented, short parts on a line; a long one scrolls in
        // its box, and a long word wraps rather than widen the page
        assertThat((String) js("return prettyJson({ pose: { x: 1.5, y: -2 }, ids: [1, 2, 3],"
                + " boxes: [[0, 0, 10, 10], [5, 5, 20, 20]], name: 'a long name that goes on and on and on' });"))
            .isEqualTo("""
                    {
                      "pose": {"x": 1.5, "y": -2},
                      "ids": [1, 2, 3],
                      "boxes": [[0, 0, 10, 10], [5, 5, 20, 20]],
                      "name": "a long name that goes on and on and on"
                    }""");
        js("showList(stampList({ id: -1, receivedAt: new Date(rec.at).toISOString(), bytes: 99999,"
                + " value: Array.from({ length: 400 }, (_, i) => ({ i, word: 'x'.repeat(i) })) }), Math.floor(rec.at));");
        assertThat((Boolean) js("const pre = document.getElementById('rec-list');"
                + " return pre.scrollHeight > pre.clientHeight && pre.getBoundingClientRect().height <= 24 * 16 + 16;"))
            .as("a long list scrolls in a bounded box")
            .isTrue();
        assertFitsTheScreen();

        // a load of lists that hangs (a service that stopped answering) is aborted when
        // the camera is left, not waited for (its timeout is 10 s): the next camera's
        // lists load at once
        js("window.hung = { requests: 0, aborted: 0, on: true }; const realFetch = window.fetch;"
                + " window.fetch = (url, options) => !(hung.on && String(url).includes('/recordings/lists'))"
                + " ? realFetch(url, options) : new Promise((_, reject) => { hung.requests++;"
                + " options.signal.addEventListener('abort', () => { hung.aborted++; reject(options.signal.reason); }); });"
                + " recLists.camera = null;");
        click(0.4);
        waitFor("a load of lists hung", () -> Boolean.TRUE.equals(js("return hung.requests > 0 && recLists.loading;")));
        long left = System.nanoTime();
        js("hung.on = false; const select = document.getElementById('rec-camera');"
                + " select.add(new Option('127.0.0.99', '127.0.0.99')); select.value = '127.0.0.99';"
                + " select.dispatchEvent(new Event('change'));");
        waitFor("the hung load aborted", Duration.ofSeconds(3),
                () -> Boolean.TRUE.equals(js("return hung.aborted > 0 && !recLists.loading;")));
        System.out.printf("a hung load of lists ended %d ms after the camera was left%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left));
        // the camera that is not recorded goes (the first recorded one is shown); back
        // on the one of this test, its lists come
        waitFor("the unrecorded camera gone", () -> Boolean.TRUE.equals(js("return rec.camera !== '127.0.0.99'"
                + " && ![...document.querySelectorAll('#rec-camera option')].some(o => o.value === '127.0.0.99');")));
        new Select(browser.findElement(By.id("rec-camera"))).selectByValue(CAMERA);
        waitFor("back on the camera's timeline", () -> Boolean.TRUE
            .equals(js("return rec.camera === '" + CAMERA + "' && rec.from + '/' + rec.to === '" + range + "';")));
        long back = click(0.8);
        assertShows(sent, shownAt(back));
    }

    /**
     * Frames at 10 fps for 8 s from the camera's address, and from 1 s on a list every
     * 300 ms from the same address, each answered before the next.
     */
    private void sendFramesAndLists() throws Exception {
        byte[] frame = TestImages.jpeg(TestImages.photo(640, 480, 20, 61), 0.8f);
        InetAddress address = InetAddress.getByName(CAMERA);
        Thread lists = new Thread(() -> {
            try (LegacyTestClient client = new LegacyTestClient(address, this.ports.list())) {
                long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                for (int n = 0; start + n * TimeUnit.MILLISECONDS.toNanos(300) < start
                        + TimeUnit.SECONDS.toNanos(7); n++) {
                    LockSupport.parkNanos(start + n * TimeUnit.MILLISECONDS.toNanos(300) - System.nanoTime());
                    client.send("[" + n + ", " + 2 * n + "]");
                    assertThat(client.reply(Duration.ofSeconds(2))).isEqualTo("get the msg");
                }
            }
        }, "lists " + CAMERA);
        lists.start();
        try (LegacyTestClient camera = new LegacyTestClient(address, this.ports.image())) {
            long start = System.nanoTime();
            for (int i = 0; i < 80; i++) {
                LockSupport.parkNanos(start + i * TimeUnit.MILLISECONDS.toNanos(100) - System.nanoTime());
                camera.sendChunked(TestImages.withComment(frame, CAMERA + "/" + i));
                assertThat(camera.reply(Duration.ofSeconds(2))).isEqualTo("get message!!!");
            }
        }
        lists.join();
    }

    /** The camera's lists, as the API gives them to anyone. */
    private List<Sent> recordedLists(Instant from, Instant to) {
        String ndjson = http().get("/recordings/lists?sender=" + CAMERA + "&from=" + from + "&to=" + to).text();
        List<Sent> lists = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            if (!line.isBlank()) {
                JsonNode list = JSON.readTree(line);
                lists.add(new Sent(list.get("id").asLong(), Instant.parse(list.get("receivedAt").asString()),
                        list.get("value")));
            }
        }
        return lists;
    }

    /** The list sent last at or before the moment (ms), or null. */
    private static Sent expected(List<Sent> sent, long at) {
        Sent last = null;
        for (Sent list : sent) {
            if (!list.receivedAt().isAfter(Instant.ofEpochMilli(at))) {
                last = list;
            }
        }
        return last;
    }

    private static void assertShows(List<Sent> sent, Shown shown) {
        Sent expected = expected(sent, shown.at());
        String moment = Instant.ofEpochMilli(shown.at()).toString();
        if (expected == null) {
            assertThat(shown.id()).as("no list at or before %s", moment).isEmpty();
            assertThat(shown.text()).isEqualTo("no list yet");
            return;
        }
        assertThat(shown.id()).as("the list at %s", moment).isEqualTo(String.valueOf(expected.id()));
        assertThat(JSON.readTree(shown.text())).as("its value, pretty-printed").isEqualTo(expected.value());
        assertThat(shown.receivedAt()).as("its time").isEqualTo(expected.receivedAt().toString());
    }

    private static Shown shown() {
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) js("const panel = document.getElementById('rec-lists');"
                + " return { at: Number(panel.dataset.at), id: panel.dataset.id,"
                + " text: document.getElementById('rec-list').textContent,"
                + " receivedAt: document.querySelector('#rec-lists-when time')?.dateTime ?? null,"
                + " recAt: rec.at, playing: rec.playing };");
        return new Shown(((Number) shown.get("at")).longValue(), (String) shown.get("id"), (String) shown.get("text"),
                (String) shown.get("receivedAt"), ((Number) shown.get("recAt")).doubleValue(),
                (Boolean) shown.get("playing"));
    }

    /** What the panel shows once it shows the moment `at`. */
    private static Shown shownAt(long at) {
        waitFor("the panel at " + Instant.ofEpochMilli(at),
                () -> Boolean.TRUE.equals(js("return document.getElementById('rec-lists').dataset.at === '" + at
                        + "' && !document.getElementById('rec-lists').classList.contains('stale');")));
        return shown();
    }

    /**
     * Clicks the timeline that share of the way along; the moment of the frame shown. A
     * click the page missed (the timeline's bars are redrawn every 5 s, and a click whose
     * bar went between its press and release is lost) is clicked again.
     */
    private static long click(double share) {
        String before = String.valueOf(js("return document.getElementById('rec-frame').src;"));
        for (int attempt = 1;; attempt++) {
            WebElement timeline = browser.findElement(By.id("rec-timeline"));
            int width = timeline.getSize().getWidth();
            js("document.getElementById('rec-timeline').scrollIntoView({ block: 'center' });");
            new Actions(browser).moveToElement(timeline, (int) Math.round(-width / 2.0 + width * share), 0)
                .click()
                .perform();
            try {
                waitFor("a still of another moment", Duration.ofSeconds(3), () -> {
                    String src = String.valueOf(js("return document.getElementById('rec-frame').src;"));
                    return src.contains("/recordings/frame?") && !src.equals(before);
                });
                return frameAt();
            }
            catch (TimeoutException ex) {
                System.out.printf("the click at %.0f%% of the timeline was missed (attempt %d)%n", share * 100,
                        attempt);
                if (attempt == 3) {
                    throw ex;
                }
            }
        }
    }

    /** The moment of the recorded frame shown (its ?at=), once it is a still. */
    private static long frameAt() {
        waitFor("a still", () -> String.valueOf(js("return document.getElementById('rec-frame').src;"))
            .contains("/recordings/frame?"));
        String src = (String) js("return document.getElementById('rec-frame').src;");
        return Instant.parse(src.replaceAll(".*[?&]at=([^&]+).*", "$1")).toEpochMilli();
    }

    private static int listRequests() {
        return ((Number) js("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/recordings/lists')).length;"))
            .intValue();
    }

    private static String requests() {
        return String.valueOf(js(
                "return performance.getEntriesByType('resource')" + ".filter(e => e.name.includes('/recordings/lists'))"
                        + ".map(e => new URL(e.name).search.replace(/sender=[^&]*&/, '')).join(' ');"));
    }

    /** The panel beside the frame (a wide screen) or under it (a phone). */
    private static void assertBeside(boolean beside) {
        String where = String.valueOf(js("const f = document.querySelector('#rec-view figure').getBoundingClientRect();"
                + " const p = document.getElementById('rec-lists').getBoundingClientRect();"
                + " return p.left >= f.right - 1 && p.top < f.bottom ? 'beside'"
                + " : p.top >= f.bottom - 1 ? 'under' : 'over';"));
        assertThat(where).isEqualTo(beside ? "beside" : "under");
    }

    private static void assertFitsTheScreen() {
        assertThat((Boolean) js("return document.documentElement.scrollWidth <= window.innerWidth + 1;"))
            .as("nothing wider than the window (%s px)", js("return window.innerWidth;"))
            .isTrue();
    }

}
