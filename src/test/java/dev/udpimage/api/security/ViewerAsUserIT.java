package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import dev.udpimage.support.Chromium;

/**
 * The viewer page in Chromium as each kind of user, signed in with HTTP Basic on every
 * request the page makes: {@code door} (a viewer of camera A only) gets one camera tile,
 * A's, A's recording and A's event only, and neither the send form nor the counters; an
 * operator gets both cameras (and whatever else the shared service was sent) and the send
 * form; an admin the counters too.
 */
@UsersService
class ViewerAsUserIT extends UsersTestSupport {

    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aViewerLimitedToOneCameraSeesOneTileAndNoSendForm() throws Exception {
        camerasSent();
        open("door");
        waitFor("A's tile", () -> tiles().equals(List.of(CAMERA_A)));
        waitFor("A's recording", () -> options("#rec-camera").equals(List.of(CAMERA_A)));
        waitFor("A's event", () -> browser.findElements(By.cssSelector("#event-list li")).size() == 1);
        assertThat(options("#ev-camera")).as("the events' camera choice").containsExactly("", CAMERA_A);
        assertThat(hidden("send-section")).as("no send form for a viewer").isTrue();
        assertThat(hidden("counters-section")).as("no counters for a viewer").isTrue();
        assertThat(js("return document.body.dataset.role")).isEqualTo("viewer");
        Chromium.screenshot(browser, "viewer-as-door");
        // the page was not merely slow: B never shows up
        Thread.sleep(1500);
        assertThat(tiles()).containsExactly(CAMERA_A);
        assertThat(options("#rec-camera")).containsExactly(CAMERA_A);
    }

    @Test
    void anOperatorHasTheSendFormAndAnAdminTheCounters() throws Exception {
        camerasSent();
        open("operator");
        waitFor("both tiles", () -> tiles().containsAll(List.of(CAMERA_A, CAMERA_B)));
        waitFor("the send form", () -> !hidden("send-section"));
        assertThat(hidden("counters-section")).as("the counters are an admin's").isTrue();

        open("admin");
        waitFor("both tiles", () -> tiles().containsAll(List.of(CAMERA_A, CAMERA_B)));
        waitFor("the counters", () -> !browser.findElements(By.cssSelector("#counters dd")).isEmpty());
        assertThat(hidden("send-section")).isFalse();
    }

    /**
     * The page as {@code user}: its credentials on every request, the EventSource's too.
     */
    private void open(String user) {
        String basic = Base64.getEncoder()
            .encodeToString((user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8));
        ChromeDriver chrome = (ChromeDriver) browser;
        chrome.executeCdpCommand("Network.enable", Map.of());
        chrome.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", "Basic " + basic)));
        browser.get("http://127.0.0.1:" + this.httpPort + "/");
        waitFor("the page knows who " + user + " is", () -> !"".equals(js("return document.body.dataset.role || ''")));
    }

    private static List<String> tiles() {
        return browser.findElements(By.cssSelector("#stream-tiles li"))
            .stream()
            .map(tile -> tile.getAttribute("data-sender"))
            .sorted()
            .toList();
    }

    private static List<String> options(String select) {
        return browser.findElements(By.cssSelector(select + " option"))
            .stream()
            .map((WebElement option) -> option.getAttribute("value"))
            .toList();
    }

    private static boolean hidden(String id) {
        return Boolean.TRUE.equals(js("return document.getElementById('" + id + "').hidden"));
    }

    private static Object js(String script) {
        return Chromium.js(browser, script);
    }

    private static void waitFor(String what, Supplier<Boolean> condition) {
        Chromium.waitFor(browser, what, Duration.ofSeconds(10), condition);
    }

}
