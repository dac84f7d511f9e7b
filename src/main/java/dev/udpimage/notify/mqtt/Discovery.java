package dev.udpimage.notify.mqtt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * Home Assistant's MQTT discovery configs of one camera: a device (the camera) with a
 * motion sensor, a connectivity sensor and a camera entity showing the latest event's
 * snapshot. Each is retained at
 * {@code <discovery-prefix>/<component>/<node id>/<object id>/config}, has a
 * {@code unique_id}, and is unavailable while this service is
 * ({@code <prefix>/available}). Keys are written in full, never abbreviated.
 */
final class Discovery {

    static final String SERVICE = "udp-image-service";

    private final Topics topics;

    private final JsonMapper json;

    private final int qos;

    private final boolean snapshots;

    /** A config's topic and payload; an empty payload removes the entity. */
    record Config(String topic, byte[] payload) {
    }

    Discovery(Topics topics, JsonMapper json, int qos, boolean snapshots) {
        this.topics = topics;
        this.json = json;
        this.qos = qos;
        this.snapshots = snapshots;
    }

    /**
     * The camera's configs: motion, connectivity, and the snapshot camera (an empty
     * payload, removing it, when snapshots are not published).
     */
    List<Config> of(String camera) {
        List<Config> configs = new ArrayList<>();
        Map<String, Object> motion = entity("binary_sensor", camera, "motion", "Motion");
        motion.put("device_class", "motion");
        motion.put("state_topic", this.topics.motion(camera));
        motion.put("payload_on", "ON");
        motion.put("payload_off", "OFF");
        configs.add(config("binary_sensor", camera, "motion", motion));
        Map<String, Object> online = entity("binary_sensor", camera, "online", "Connected");
        online.put("device_class", "connectivity");
        online.put("entity_category", "diagnostic");
        online.put("state_topic", this.topics.online(camera));
        online.put("payload_on", "ON");
        online.put("payload_off", "OFF");
        configs.add(config("binary_sensor", camera, "online", online));
        if (this.snapshots) {
            Map<String, Object> snapshot = entity("camera", camera, "snapshot", "Snapshot");
            snapshot.put("topic", this.topics.snapshot(camera));
            configs.add(config("camera", camera, "snapshot", snapshot));
        }
        else {
            configs.add(new Config(this.topics.config("camera", camera, "snapshot"), new byte[0]));
        }
        return configs;
    }

    private Config config(String component, String camera, String objectId, Map<String, Object> payload) {
        return new Config(this.topics.config(component, camera, objectId), this.json.writeValueAsBytes(payload));
    }

    private Map<String, Object> entity(String component, String camera, String objectId, String name) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("name", name);
        entity.put("unique_id", this.topics.node(camera) + "_" + objectId);
        entity.put("default_entity_id", this.topics.entityId(component, camera, objectId));
        entity.put("availability", List.of(Map.of("topic", this.topics.available(), "payload_available", "online",
                "payload_not_available", "offline")));
        entity.put("qos", this.qos);
        entity.put("device", device(camera));
        entity.put("origin", origin());
        return entity;
    }

    private Map<String, Object> device(String camera) {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("identifiers", List.of(this.topics.node(camera)));
        device.put("name", "Camera " + camera);
        device.put("manufacturer", SERVICE);
        device.put("model", "UDP camera");
        return device;
    }

    private static Map<String, Object> origin() {
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("name", SERVICE);
        String version = Discovery.class.getPackage().getImplementationVersion();
        if (version != null) {
            origin.put("sw_version", version);
        }
        return origin;
    }

}
