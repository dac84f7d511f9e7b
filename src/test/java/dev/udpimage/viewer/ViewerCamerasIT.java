package dev.udpimage.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

import dev.udpimage.support.BrowserTestSupport;
import dev.udpimage.support.Commands;
import dev.udpimage.support.ServiceTest;

/**
 * The viewer with a camera sending ({@code clients/python/camera_send.py}, 640x480 at 25
 * fps), in headless Chromium at 1280 px and at a phone's 375 px: a tile for the stream
 * whose picture changes and whose fps is the sender's; the latest image shown as the
 * bytes received; the counters moving; the send form inside its card; nothing wider than
 * the screen. Screenshots go to {@code target/viewer-cameras-*.png}.
 */
@ServiceTest
class ViewerCamerasIT extends BrowserTestSupport {

    @BeforeAll
    static void requirePythonOpenCv() {
        Commands.require(Commands.hasPythonOpenCv(), "no python3 with OpenCV (apt-get install python3-opencv)");
    }

    /**
     * The camera's tile, found by its sender (the shared service has tiles of other
     * tests' cameras too), as the page's script names it.
     */
    private static final String JS_TILE = "const TILE = '#stream-tiles li[data-sender=\"127.0.0.1\"]'; ";

    private static void waitFor(String what, java.util.function.Supplier<Boolean> condition) {
        waitFor(what, Duration.ofSeconds(15), condition);
    }

    @Test
    void aCameraIsALiveTileWithItsFpsAtDesktopAndPhoneWidths() throws Exception {
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get("http://127.0.0.1:" + this.httpPort + "/");
        Process camera = new ProcessBuilder("/usr/bin/python3", "clients/python/camera_send.py", "127.0.0.1",
                String.valueOf(this.ports.image()), "--pattern", "--fps", "25", "--size", "640x480", "--seconds", "8")
            .redirectErrorStream(true)
            .start();
        try {
            waitFor("a tile for the stream, playing", () -> Long.valueOf(640)
                .equals(js(JS_TILE
                        + "const img = document.querySelector(TILE + ' img'); return img ? img.naturalWidth : 0;")));
            // a busy machine may hold a frame back a while: live means it changes, twice
            String first = pixels();
            waitFor("the tile's picture changes", () -> !pixels().equals(first));
            String second = pixels();
            waitFor("the tile's picture changes again", () -> !pixels().equals(second));
            Thread.sleep(2500); // a few seconds of frames for the rate
            double fps = Double.parseDouble((String) js(JS_TILE + "return document.querySelector(TILE).dataset.fps;"));
            assertThat((String) js(JS_TILE + "return document.querySelector(TILE + ' .caption').textContent;"))
                .contains("127.0.0.1")
                .contains("640×480")
                .contains("fps");
            assertThat((String) js("return document.getElementById('large').src;")).as("the bytes as received")
                .endsWith("/original");
            waitFor("the counters move with the events", () -> {
                Object completed = js("const dd = document.querySelector('dd[data-name=\"images completed\"]');"
                        + " return dd ? dd.textContent : '0';");
                return !"0".equals(completed);
            });
            assertFitsTheScreen();
            assertThat((Boolean) js("const card = document.getElementById('send-form').getBoundingClientRect();"
                    + " return [...document.querySelectorAll('#send-form input, #send-form select')]"
                    + ".every(e => e.getBoundingClientRect().right <= card.right + 1);"))
                .as("the send form's inputs inside its card")
                .isTrue();
            assertThat((Long) js("return document.querySelectorAll('#send-mode option[value=\"reliable\"]').length;"))
                .as("every mode the API has")
                .isEqualTo(1);
            screenshot("viewer-cameras-1280");

            browser.manage().window().setSize(new Dimension(375, 800));
            Thread.sleep(300);
            assertFitsTheScreen();
            screenshot("viewer-cameras-375");

            String output = new String(camera.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(camera.waitFor(30, TimeUnit.SECONDS)).isTrue();
            double senderFps = Double.parseDouble(output.replaceAll("(?s).*fps=([0-9.]+).*", "$1"));
            System.out.printf("viewer tile: %.1f fps; camera_send.py: %s%n", fps, output.strip().replace('\n', ' '));
            assertThat(fps).as("the tile's fps against the sender's").isBetween(senderFps * 0.8, senderFps * 1.2);
        }
        finally {
            camera.destroyForcibly();
        }
    }

    /**
     * A digest of what the camera's tile shows now (it is drawn to a canvas: same
     * origin).
     */
    private String pixels() {
        return String.valueOf(js(JS_TILE + "const img = document.querySelector(TILE + ' img');"
                + " const c = document.createElement('canvas'); c.width = 160; c.height = 120;"
                + " const g = c.getContext('2d'); g.drawImage(img, 0, 0, 160, 120);"
                + " const d = g.getImageData(0, 0, 160, 120).data; let h = 0;"
                + " for (let i = 0; i < d.length; i += 7) { h = (h * 31 + d[i]) | 0; } return h;"));
    }

    private void assertFitsTheScreen() {
        assertThat((Boolean) js("return document.documentElement.scrollWidth <= window.innerWidth + 1;"))
            .as("nothing wider than the window (%s px)", js("return window.innerWidth;"))
            .isTrue();
    }

}
