package dev.udpimage.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.BrowserTestSupport;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.TestImages;

/**
 * The viewer's recordings in headless Chromium, at a phone's 375 px: a camera that sent
 * for 2 s, paused 3 s and sent 2 s more has a timeline with the gap showing; a click
 * shows the recorded frame of that moment, Play replays from there and Pause stops on a
 * frame, and the download link exports the range as Matroska. Screenshot:
 * {@code target/viewer-recordings-375.png}.
 */
@ServiceTest
@TestPropertySource(properties = "udp.recording.segment-duration=1s")
class ViewerRecordingsIT extends BrowserTestSupport {

    private static void waitFor(String what, java.util.function.Supplier<Boolean> condition) {
        waitFor(what, Duration.ofSeconds(15), condition);
    }

    @Test
    void aTimelineWithItsGapAFrameAtAClickReplayAndDownload() throws Exception {
        byte[] frame = TestImages.smallJpeg(41);
        try (LegacyTestClient camera = new LegacyTestClient(InetAddress.getByName("127.0.0.41"), this.ports.image())) {
            send(camera, frame, 0);
            Thread.sleep(3000);
            send(camera, frame, 50);
        }
        browser.manage().window().setSize(new Dimension(375, 900));
        browser.get("http://127.0.0.1:" + this.httpPort + "/");
        waitFor("the recordings section with its timeline",
                () -> (Long) js("return document.querySelectorAll('#rec-timeline .span').length;") >= 2);
        assertThat((String) js("return document.getElementById('rec-camera').value;")).isEqualTo("127.0.0.41");
        // the gap: the widest stretch of the timeline no bar covers
        double gap = ((Number) js("const bars = [...document.querySelectorAll('#rec-timeline .span')]"
                + ".map(b => b.getBoundingClientRect()).sort((a, b) => a.left - b.left);"
                + " const width = document.getElementById('rec-timeline').getBoundingClientRect().width;"
                + " let gap = 0; for (let i = 1; i < bars.length; i++) {"
                + " gap = Math.max(gap, bars[i].left - bars[i - 1].right); } return gap / width;"))
            .doubleValue();
        assertThat(gap).as("the pause's share of the timeline (3 s of 7)").isBetween(0.25, 0.55);

        WebElement timeline = browser.findElement(By.id("rec-timeline"));
        int width = timeline.getSize().getWidth();
        // a moment in the first stretch: a tenth of the way
        new Actions(browser).moveToElement(timeline, -width / 2 + width / 10, 0).click().perform();
        waitFor("the frame at the clicked moment", () -> Long.valueOf(200)
            .equals(js(
                    "const img = document.getElementById('rec-frame'); return img.complete ? img.naturalWidth : 0;")));
        assertThat((String) js("return document.getElementById('rec-frame').src;")).contains("/recordings/frame?");
        assertThat((String) js("return document.getElementById('rec-time').textContent;")).contains("127.0.0.41");
        String download = (String) js("return document.getElementById('rec-download').href;");
        assertThat(download).contains("/recordings/export?").contains("format=mkv");
        Object exported = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];" + " fetch(document.getElementById('rec-download').href)"
                        + ".then(r => r.arrayBuffer().then(b => done(r.status + ' ' + r.headers.get('content-type')"
                        + " + ' ' + b.byteLength)));");
        assertThat(String.valueOf(exported)).startsWith("200 video/x-matroska");

        browser.findElement(By.id("rec-play")).click();
        assertThat((String) js("return document.getElementById('rec-frame').src;"))
            .contains("/recordings/replay.mjpeg?");
        assertThat((String) js("return document.getElementById('rec-play').textContent;")).isEqualTo("Pause");
        Thread.sleep(500);
        browser.findElement(By.id("rec-play")).click();
        assertThat((String) js("return document.getElementById('rec-frame').src;")).contains("/recordings/frame?");
        waitFor("the frame where it paused", () -> Long.valueOf(200)
            .equals(js(
                    "const img = document.getElementById('rec-frame'); return img.complete ? img.naturalWidth : 0;")));
        assertThat((Boolean) js("return document.documentElement.scrollWidth <= window.innerWidth + 1;"))
            .as("nothing wider than the phone's 375 px")
            .isTrue();
        screenshot("viewer-recordings-375");
    }

    private static void send(LegacyTestClient camera, byte[] frame, int first) throws InterruptedException {
        for (int i = first; i < first + 50; i++) {
            camera.sendChunked(TestImages.withComment(frame, "41/" + i));
            assertThat(camera.reply(Duration.ofSeconds(2))).isEqualTo("get message!!!");
            TimeUnit.MILLISECONDS.sleep(40);
        }
    }

}
