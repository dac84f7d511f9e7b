package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestHost;
import dev.udpimage.support.TestImages;

/**
 * With no credentials configured (the default), the HTTP API and the viewer answer this
 * machine only: another host gets 403 problem+json saying how to configure credentials,
 * while {@code /actuator/health} stays open.
 */
@ServiceTest
class ProtectedModeIT extends ServiceTestSupport {

    @Test
    void thisMachineNeedsNoSetUp() {
        assertThat(http().get("/received/stats").status()).isEqualTo(200);
        assertThat(http().get("/").status()).isEqualTo(200);
        Http.Response sent = http().postFile("/send/image", "file", "a.jpg", TestImages.smallJpeg(81));
        assertThat(sent.status()).as(sent.text()).isEqualTo(200);
    }

    @Test
    void anotherHostIsRefusedWithAProblemThatSaysWhatToDo() throws IOException {
        Commands.require(TestHost.available(), "making a test host takes root and iproute2");
        try (TestHost other = TestHost.create()) {
            Http.Response refused = other.curl(this.httpPort, "/received/images");
            assertThat(refused.status()).as(refused.text()).isEqualTo(403);
            assertThat(refused.json().get("title").asString()).isEqualTo("Protected mode");
            assertThat(refused.json().get("detail").asString()).contains("udp.security.username");
            assertThat(other.curl(this.httpPort, "/").status()).isEqualTo(403);
            assertThat(other
                .curl(this.httpPort, "/send/list", "-X", "POST", "-H", "Content-Type: application/json", "-d", "[1]")
                .status()).isEqualTo(403);
            Http.Response health = other.curl(this.httpPort, "/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asString()).isEqualTo("UP");
            assertThat(health.json().get("components").get("store").get("status").asString()).isEqualTo("UP");
            assertThat(health.json().get("components").get("diskSpace").has("details"))
                .as("a stranger sees no details (paths, free space)")
                .isFalse();
            assertThat(http().get("/actuator/health").json().get("components").get("diskSpace").has("details"))
                .as("this machine does")
                .isTrue();
        }
    }

    @Test
    void aLocalRequestForAnotherNameOrThroughAProxyIsNotLocal() throws IOException {
        // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1
        assertThat(statusOf("GET /received/stats HTTP/1.1\r\nHost: evil.example:" + this.httpPort)).isEqualTo(403);
        assertThat(statusOf("GET /received/stats HTTP/1.1\r\nHost: localhost:" + this.httpPort)).isEqualTo(200);
        assertThat(http().with("X-Forwarded-For", "203.0.113.9").get("/received/stats").status()).isEqualTo(403);
        assertThat(http().with("Forwarded", "for=203.0.113.9").get("/received/stats").status()).isEqualTo(403);
    }

    @Test
    void anotherSitesPageCannotMakeTheServiceSend() {
        byte[] jpeg = TestImages.smallJpeg(82);
        Http.Response crossSite = http().with("Sec-Fetch-Site", "cross-site")
            .postFile("/send/image", "file", "a.jpg", jpeg);
        assertThat(crossSite.status()).as(crossSite.text()).isEqualTo(403);
        assertThat(crossSite.json().get("title").asString()).isEqualTo("Cross-origin request refused");
        assertThat(http().with("Origin", "http://evil.example").postJson("/send/list", "[1]").status()).isEqualTo(403);
        // the viewer's own form, and its reads from anywhere
        assertThat(http().with("Sec-Fetch-Site", "same-origin").postFile("/send/image", "file", "a.jpg", jpeg).status())
            .isEqualTo(200);
        assertThat(http().with("Origin", "http://127.0.0.1:" + this.httpPort).postJson("/send/list", "[1]").status())
            .isEqualTo(200);
        assertThat(http().with("Sec-Fetch-Site", "cross-site").get("/received/stats").status()).isEqualTo(200);
    }

    @Test
    void pagesCarryAContentSecurityPolicyAndTheUsualHeaders() {
        Http.Response page = http().get("/");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'")
            .contains("frame-ancestors 'none'")
            .doesNotContain("unsafe-inline");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    /**
     * The status of a hand-written HTTP/1.1 request (the JDK client sets Host itself).
     */
    private int statusOf(String requestHead) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.httpPort)) {
            OutputStream out = socket.getOutputStream();
            out.write((requestHead + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(response.substring(9, 12));
        }
    }

}
