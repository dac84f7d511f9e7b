package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.RawHttp;

/**
 * Guessing slowed down, from clients at addresses of their own on loopback: twenty wrong
 * passwords from one source, and from then on 429 with {@code Retry-After} for it, the
 * right password too, while another source signs in; after the wait the right password
 * works again. Then 10 000 sources guessing one token each: the table of sources stays
 * within {@code udp.security.sign-in.max-sources}.
 */
@UsersService
class SignInThrottleIT extends UsersTestSupport {

    private static final Pattern GAUGE = Pattern.compile("(?m)^udp_security_sign_in_sources (\\S+)");

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSourceThatGuessesIsLockedOutAndAnotherIsNot() throws Exception {
        InetAddress guesser = InetAddress.getByName("127.0.0.91");
        InetAddress other = InetAddress.getByName("127.0.0.92");
        List<Integer> statuses = new ArrayList<>();
        RawHttp.Answer last = null;
        for (int i = 0; i < 20; i++) {
            last = RawHttp.get(guesser, this.httpPort, "/me", basic("admin", "guess-" + i));
            statuses.add(last.status());
        }
        assertThat(statuses.subList(0, 10)).as("the first ten refused").containsOnly(401);
        assertThat(statuses.subList(10, 20)).as("then locked out").containsOnly(429);
        long retryAfter = Long.parseLong(last.headers().get("retry-after"));
        assertThat(retryAfter).isBetween(1L, 3L);
        assertThat(RawHttp.get(guesser, this.httpPort, "/me", basic("admin", "admin-secret")).status())
            .as("the right password, while locked out")
            .isEqualTo(429);
        assertThat(RawHttp.get(other, this.httpPort, "/me", basic("admin", "admin-secret")).status())
            .as("another source")
            .isEqualTo(200);
        Thread.sleep(retryAfter * 1000 + 200);
        assertThat(RawHttp.get(guesser, this.httpPort, "/me", basic("admin", "admin-secret")).status())
            .as("after the wait")
            .isEqualTo(200);
        String metrics = admin().get("/actuator/prometheus").text();
        assertThat(metrics).containsPattern("udp_security_refused_total\\{reason=\"locked-out\"} [1-9]");
        assertThat(metrics).containsPattern("udp_security_refused_total\\{reason=\"credentials\"} [1-9]");
    }

    @Test
    void tenThousandSourcesGuessingKeepTheTableBounded() throws Exception {
        for (int i = 0; i < 10_000; i++) {
            InetAddress source = InetAddress.getByAddress(new byte[] { 127, 2, (byte) (i >> 8), (byte) i });
            assertThat(RawHttp.get(source, this.httpPort, "/me", "Bearer guess-" + i).status()).isEqualTo(401);
        }
        Matcher gauge = GAUGE.matcher(admin().get("/actuator/prometheus").text());
        assertThat(gauge.find()).isTrue();
        assertThat(Double.parseDouble(gauge.group(1))).as("sources remembered").isEqualTo(4096);
        assertThat(as("viewer").get("/me").status()).as("the service answers on").isEqualTo(200);
    }

}
