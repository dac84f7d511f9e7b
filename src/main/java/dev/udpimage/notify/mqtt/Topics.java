package dev.udpimage.notify.mqtt;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The topics this service publishes to and listens on, and the ids Home Assistant knows
 * its cameras by.
 * <p>
 * A camera ({@code udp.streams.key}: an address, or an address and port) is one topic
 * level: letters, digits, {@code .}, {@code -} and {@code _} stay as they are, every
 * other character ({@code :} of an address and port or of an IPv6 address, {@code %} of a
 * scope) becomes {@code _}. So {@code 192.168.1.20} stays {@code 192.168.1.20},
 * {@code 192.168.1.20:5000} becomes {@code 192.168.1.20_5000}, {@code fe80::1} becomes
 * {@code fe80__1}. Home Assistant's ids allow no {@code .} either: the camera's node id
 * is {@code <prefix>_<camera>} with every character but letters, digits, {@code -} and
 * {@code _} made {@code _} ({@code udpimage_192_168_1_20}).
 */
final class Topics {

    private static final Pattern NOT_IN_LEVEL = Pattern.compile("[^A-Za-z0-9._-]");

    private static final Pattern NOT_IN_ID = Pattern.compile("[^A-Za-z0-9_-]");

    private static final Pattern NOT_IN_ENTITY_ID = Pattern.compile("[^a-z0-9]+");

    private static final Pattern EDGE_UNDERSCORES = Pattern.compile("^_+|_+$");

    private final String prefix;

    private final String discoveryPrefix;

    Topics(String prefix, String discoveryPrefix) {
        this.prefix = prefix;
        this.discoveryPrefix = discoveryPrefix;
    }

    /**
     * {@code online} while this service is connected, {@code offline} (its last will).
     */
    String available() {
        return this.prefix + "/available";
    }

    /** Every event's changes as JSON. */
    String events() {
        return this.prefix + "/events";
    }

    /** {@code ON} while the camera has an open event, {@code OFF} after. */
    String motion(String camera) {
        return this.prefix + "/" + level(camera) + "/motion";
    }

    /** The latest event's snapshot, its bytes as received. */
    String snapshot(String camera) {
        return this.prefix + "/" + level(camera) + "/snapshot";
    }

    /** {@code ON} while the camera sends frames, {@code OFF} once it went silent. */
    String online(String camera) {
        return this.prefix + "/" + level(camera) + "/online";
    }

    /** Where Home Assistant says {@code online} when it (re)starts. */
    String homeAssistantStatus() {
        return this.discoveryPrefix + "/status";
    }

    /**
     * A discovery config's topic:
     * {@code <discovery-prefix>/<component>/<node id>/<object id>/config}.
     */
    String config(String component, String camera, String objectId) {
        return this.discoveryPrefix + "/" + component + "/" + node(camera) + "/" + objectId + "/config";
    }

    /** The camera's node id in Home Assistant, also its device identifier. */
    String node(String camera) {
        return id(this.prefix) + "_" + id(camera);
    }

    /**
     * The entity id Home Assistant is asked to give an entity
     * ({@code default_entity_id}): lower case letters, digits and single {@code _} only,
     * as its entity ids are.
     */
    String entityId(String component, String camera, String objectId) {
        String lower = (this.prefix + "_" + camera + "_" + objectId).toLowerCase(Locale.ROOT);
        String slug = NOT_IN_ENTITY_ID.matcher(lower).replaceAll("_");
        return component + "." + EDGE_UNDERSCORES.matcher(slug).replaceAll("");
    }

    /** A camera as one topic level. */
    static String level(String camera) {
        return camera.isEmpty() ? "_" : NOT_IN_LEVEL.matcher(camera).replaceAll("_");
    }

    private static String id(String text) {
        return NOT_IN_ID.matcher(text).replaceAll("_");
    }

}
