package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.Commands;
import dev.udpimage.support.Chromium;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestHost;
import dev.udpimage.support.TestImages;

/**
 * With credentials configured, everyone presents them, on this machine too: HTTP Basic
 * (the password stored as a bcrypt hash here), or the bearer token, which also works as
 * the Basic password for the browser's prompt. Wrong ones are 401.
 * {@code /actuator/health} stays open. {@code POST /send/*} is rate-limited per client.
 */
@ServiceTest
@TestPropertySource(properties = { "udp.security.username=alice",
        // "s3cret", hashed: bcrypt, cost 10
        "udp.security.password={bcrypt}$2a$10$2OSFs1xTx62qqsn6CdwzNOQcDV2sONi5oAIjWaDPfpZfw.SAYqPDG",
        "udp.security.token=t0ken-for-tests", "udp.send.requests-per-second=2" })
class CredentialsIT extends ServiceTestSupport {

    @Test
    void everyoneNeedsThemAndWrongOnesAre401() {
        Http.Response anonymous = http().get("/received/images");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Basic realm=");
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(http().basic("alice", "wrong").get("/received/images").status()).isEqualTo(401);
        assertThat(http().basic("mallory", "s3cret").get("/received/images").status()).isEqualTo(401);
        assertThat(http().with("Authorization", "Bearer wrong").get("/received/images").status()).isEqualTo(401);

        assertThat(http().basic("alice", "s3cret").get("/received/images").status()).isEqualTo(200);
        assertThat(http().with("Authorization", "Bearer t0ken-for-tests").get("/received/images").status())
            .isEqualTo(200);
        assertThat(http().basic("viewer", "t0ken-for-tests").get("/").status()).isEqualTo(200);
        assertThat(http().get("/actuator/health").status()).isEqualTo(200);
        assertThat(http().get("/actuator/health").json().get("components").get("diskSpace").has("details"))
            .as("details only with credentials")
            .isFalse();
        assertThat(http().basic("alice", "s3cret")
            .get("/actuator/health")
            .json()
            .get("components")
            .get("diskSpace")
            .has("details")).isTrue();
    }

    @Test
    void anotherHostIsAnsweredWhenItPresentsThem() throws IOException {
        Commands.require(TestHost.available(), "making a test host takes root and iproute2");
        try (TestHost other = TestHost.create()) {
            assertThat(other.curl(this.httpPort, "/received/stats").status()).isEqualTo(401);
            assertThat(other.curl(this.httpPort, "/received/stats", "-u", "alice:wrong").status()).isEqualTo(401);
            Http.Response allowed = other.curl(this.httpPort, "/received/stats", "-u", "alice:s3cret");
            assertThat(allowed.status()).as(allowed.text()).isEqualTo(200);
            assertThat(other.curl(this.httpPort, "/received/stats", "-H", "Authorization: Bearer t0ken-for-tests")
                .status()).isEqualTo(200);
        }
    }

    @Test
    void theViewerWorksInABrowserWithTheTokenAsItsBasicPassword() throws IOException {
        WebDriver browser = Chromium.start();
        try {
            // what the browser's prompt does: credentials for this origin, sent with
            // every request of the page
            browser.get("http://viewer:t0ken-for-tests@127.0.0.1:" + this.httpPort + "/");
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage("the page connects to /received/events")
                .until(driver -> "live".equals(driver.findElement(By.id("connection")).getAttribute("data-state")));
            try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
                client.sendChunked(TestImages.jpeg(TestImages.photo(321, 123, 20, 503), 0.9f));
                assertThat(client.reply()).isEqualTo("get message!!!");
            }
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage("the image arrives, authenticated")
                .until(driver -> Long.valueOf(321)
                    .equals(((JavascriptExecutor) driver)
                        .executeScript("return document.getElementById('large').naturalWidth;")));
        }
        finally {
            browser.quit();
        }
    }

    @Test
    void sendsBeyondTheClientsRateAre429() {
        Http alice = http().basic("alice", "s3cret");
        byte[] jpeg = TestImages.smallJpeg(83);
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 12; i++) {
            Http.Response sent = alice.postFile("/send/image", "file", "a.jpg", jpeg);
            if (sent.status() == 429) {
                limited++;
                assertThat(sent.header("Retry-After")).isEqualTo("1");
                assertThat(sent.json().get("detail").asString()).contains("udp.send.requests-per-second");
            }
            else {
                assertThat(sent.status()).as(sent.text()).isEqualTo(200);
                ok++;
            }
        }
        // a burst of twice the rate, then about two a second
        assertThat(ok).isBetween(4, 8);
        assertThat(limited).isPositive();
    }

}
