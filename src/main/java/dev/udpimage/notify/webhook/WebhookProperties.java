package dev.udpimage.notify.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.udpimage.access.CidrRange;

/**
 * Webhooks told of motion events and cameras going on- and offline
 * ({@code udp.events.webhooks[N].*}, {@code udp.events.webhook-*}).
 *
 * @param webhooks the hooks; each is sent every notification, signed with its own secret
 * @param webhookTargets address ranges (CIDR) a hook's host may resolve to, checked at
 * every delivery; a hook resolving anywhere else is refused unsent. The default is
 * loopback and the private ranges (IPv4 and IPv6): unlike {@code udp.allowed-senders},
 * not link-local, so a hook cannot reach the cloud metadata address 169.254.169.254, nor
 * the internet, unless a range here says so
 * @param webhookTimeout how long one attempt may take, connecting included
 * @param webhookAttempts most tries a notification gets per hook; connection errors,
 * timeouts and 5xx answers are tried again, anything else is not
 * @param webhookBackoff the wait before the second try of a hook, doubled before each
 * further one
 * @param webhookQueue most notifications waiting for each hook besides the one being
 * tried; past it the oldest is dropped (counted)
 * @param webhookUpdates also send {@code update} notifications (an open event touched a
 * new zone or its peak grew; at most one a second per event)
 */
@Validated
@ConfigurationProperties("udp.events")
public record WebhookProperties(@DefaultValue @NotNull List<Webhook> webhooks, @DefaultValue( {
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128",
        "fc00::/7" }) @NotNull List<String> webhookTargets, @DefaultValue("5s") @NotNull Duration webhookTimeout,
        @DefaultValue("3") @Min(1) int webhookAttempts, @DefaultValue("1s") @NotNull Duration webhookBackoff,
        @DefaultValue("256") @Min(1) int webhookQueue, @DefaultValue("false") boolean webhookUpdates){

    /**
     * The shortest secret taken: hooks are signed, and a guessable secret signs nothing.
     */
    static final int MIN_SECRET_LENGTH = 16;

    public WebhookProperties {
        webhooks = List.copyOf(webhooks);
        webhookTargets = List.copyOf(webhookTargets);
        webhookTargets.forEach(CidrRange::parse); // a range that does not parse fails the
                                                  // start
        for (int i = 0; i < webhooks.size(); i++) {
            check(webhooks.get(i), "udp.events.webhooks[" + i + "]");
        }
        if (webhookTimeout == null || webhookTimeout.isNegative() || webhookTimeout.isZero()) {
            throw new IllegalArgumentException("udp.events.webhook-timeout must be positive");
        }
        if (webhookBackoff == null || webhookBackoff.isNegative()) {
            throw new IllegalArgumentException("udp.events.webhook-backoff must not be negative");
        }
    }

    private static void check(Webhook hook, String name) {
        if (hook.url() == null || hook.url().isBlank()) {
            throw new IllegalArgumentException(name + ".url is required");
        }
        URI uri;
        try {
            uri = new URI(hook.url());
        }
        catch (URISyntaxException ex) {
            throw new IllegalArgumentException(name + ".url is not a URL: " + ex.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    name + ".url must be an http or https URL with a host, not '" + hook.where() + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(name + ".url must not carry credentials: the secret signs the hooks");
        }
        if (hook.secret() == null || hook.secret().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(name + ".secret is required, at least " + MIN_SECRET_LENGTH
                    + " characters (every notification is signed with it)");
        }
    }

    /**
     * One hook.
     *
     * @param url where notifications are POSTed: {@code http} or {@code https}, with a
     * host; redirects are not followed
     * @param secret the HMAC-SHA256 key its notifications are signed with, at least 16
     * characters
     */
    public record Webhook(String url, String secret) {

        /**
         * Scheme, host and port only: a URL's path may hold a token, and logs are read.
         */
        String where() {
            try {
                URI uri = new URI(this.url);
                return uri.getScheme() + "://" + (uri.getHost() != null ? uri.getHost() : "")
                        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
            }
            catch (URISyntaxException | RuntimeException ex) {
                return "(not a URL)";
            }
        }

        @Override
        public String toString() {
            return "Webhook[" + where() + "]"; // never the secret
        }

    }

}
