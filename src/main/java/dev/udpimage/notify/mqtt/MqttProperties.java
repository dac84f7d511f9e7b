package dev.udpimage.notify.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Motion events to an MQTT broker, with Home Assistant's discovery ({@code udp.mqtt.*}).
 * Nothing of it runs while {@code url} is empty.
 *
 * @param url the broker: {@code tcp://host:port}, or {@code ssl://host:port} for TLS
 * checked against the JVM's trust store; empty: no MQTT
 * @param prefix the first level of every topic this service publishes
 * ({@code <prefix>/available}, {@code <prefix>/<camera>/motion}, ...)
 * @param discoveryPrefix Home Assistant's discovery prefix: configs are published under
 * it, and its {@code <discovery-prefix>/status} is listened to
 * @param username the user to connect as; empty: none
 * @param password its password (only with a username)
 * @param clientId the MQTT client id; empty: {@code <prefix>-<host name>}
 * @param qos the quality of service of every message (0, 1 or 2)
 * @param maxQueued most messages waiting for the broker: while it is away (the oldest
 * dropped past it) and unacknowledged while it is there
 * @param maxSnapshotBytes most bytes of snapshots waiting for the broker or in flight;
 * only the newest of each camera waits, the oldest camera's is dropped past it (or one
 * snapshot, if larger)
 * @param publishSnapshots publish each event's snapshot
 * ({@code <prefix>/<camera>/snapshot})
 * @param discovery publish Home Assistant discovery configs for each camera
 * @param keepAlive how often the client and the broker hear from each other when there is
 * nothing to send; the broker publishes the last will ({@code available} =
 * {@code offline}) after one and a half of it without a word
 * @param maxReconnectDelay the longest wait between two attempts to reach the broker (the
 * waits double from 1 s)
 * @param maxCameras most cameras remembered for the discovery configs republished when
 * Home Assistant starts; the least recently seen one is forgotten
 */
@Validated
@ConfigurationProperties("udp.mqtt")
public record MqttProperties(@DefaultValue("") String url, @DefaultValue("udpimage") String prefix,
        @DefaultValue("homeassistant") String discoveryPrefix, @DefaultValue("") String username,
        @DefaultValue("") String password, @DefaultValue("") String clientId,
        @DefaultValue("1") @Min(0) @Max(2) int qos, @DefaultValue("1000") @Min(1) @Max(65535) int maxQueued,
        @DefaultValue("4MB") @NotNull DataSize maxSnapshotBytes, @DefaultValue("true") boolean publishSnapshots,
        @DefaultValue("true") boolean discovery, @DefaultValue("15s") @NotNull Duration keepAlive,
        @DefaultValue("30s") @NotNull Duration maxReconnectDelay, @DefaultValue("1024") @Min(1) int maxCameras) {

    public MqttProperties {
        url = url == null ? "" : url.strip();
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        clientId = clientId == null ? "" : clientId.strip();
        if (!url.isEmpty()) {
            checkUrl(url);
        }
        checkPrefix("udp.mqtt.prefix", prefix);
        checkPrefix("udp.mqtt.discovery-prefix", discoveryPrefix);
        if (!password.isEmpty() && username.isEmpty()) {
            throw new IllegalArgumentException("udp.mqtt.password needs udp.mqtt.username (MQTT 3.1.1 sends "
                    + "a password only with a user name)");
        }
        if (keepAlive.toSeconds() < 1 || keepAlive.toSeconds() > 65535) {
            throw new IllegalArgumentException(
                    "udp.mqtt.keep-alive must be between 1s and 65535s (whole seconds), not " + keepAlive);
        }
        if (maxReconnectDelay.toMillis() < 1000) {
            throw new IllegalArgumentException(
                    "udp.mqtt.max-reconnect-delay must be 1s or more, not " + maxReconnectDelay);
        }
        if (maxSnapshotBytes.toBytes() < 1) {
            throw new IllegalArgumentException("udp.mqtt.max-snapshot-bytes must be positive");
        }
    }

    /** Whether MQTT is on: a broker is set. */
    public boolean enabled() {
        return !this.url.isEmpty();
    }

    private static void checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        }
        catch (URISyntaxException ex) {
            throw new IllegalArgumentException("udp.mqtt.url is no URL: " + ex.getMessage());
        }
        if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "udp.mqtt.url must be tcp://host:port or ssl://host:port (TLS), not " + url);
        }
        if (uri.getHost() == null || uri.getUserInfo() != null || !(uri.getPath() == null || uri.getPath().isEmpty())
                || uri.getQuery() != null) {
            throw new IllegalArgumentException("udp.mqtt.url must be " + uri.getScheme()
                    + "://host:port and nothing more (credentials go in udp.mqtt.username and .password), not " + url);
        }
    }

    private static void checkPrefix(String name, String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        if (prefix.contains("#") || prefix.contains("+") || prefix.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + " must not contain the MQTT wildcards # and +, not " + prefix);
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException(
                    name + " must not start or end with / nor have an empty level, not " + prefix);
        }
    }

}
