package dev.udpimage.notify.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Cameras in topics and in Home Assistant's ids: an IPv4 address stays itself in a topic,
 * {@code :} never reaches one, and ids hold only what Home Assistant allows.
 */
class TopicsTest {

    private final Topics topics = new Topics("udpimage", "homeassistant");

    @Test
    void anIpv4CameraStaysAsItIsInTopics() {
        assertThat(this.topics.motion("192.168.1.20")).isEqualTo("udpimage/192.168.1.20/motion");
        assertThat(this.topics.snapshot("192.168.1.20")).isEqualTo("udpimage/192.168.1.20/snapshot");
        assertThat(this.topics.online("192.168.1.20")).isEqualTo("udpimage/192.168.1.20/online");
        assertThat(this.topics.available()).isEqualTo("udpimage/available");
        assertThat(this.topics.events()).isEqualTo("udpimage/events");
        assertThat(this.topics.homeAssistantStatus()).isEqualTo("homeassistant/status");
    }

    @Test
    void colonsAndWhatAnMqttTopicCannotHoldBecomeUnderscores() {
        assertThat(Topics.level("192.168.1.20:5000")).isEqualTo("192.168.1.20_5000");
        assertThat(Topics.level("fe80::1%eth0")).isEqualTo("fe80__1_eth0");
        assertThat(Topics.level("a/b#c+d")).isEqualTo("a_b_c_d");
        assertThat(Topics.level("")).isEqualTo("_");
    }

    @Test
    void homeAssistantIdsHoldLettersDigitsDashesAndUnderscoresOnly() {
        assertThat(this.topics.node("192.168.1.20")).isEqualTo("udpimage_192_168_1_20");
        assertThat(this.topics.node("fe80::1")).isEqualTo("udpimage_fe80__1");
        assertThat(this.topics.config("binary_sensor", "192.168.1.20", "motion"))
            .isEqualTo("homeassistant/binary_sensor/udpimage_192_168_1_20/motion/config");
        assertThat(new Topics("my.cams", "ha").node("10.0.0.1:80")).isEqualTo("my_cams_10_0_0_1_80");
    }

    @Test
    void entityIdsAreLowerCaseWithSingleUnderscores() {
        assertThat(this.topics.entityId("camera", "192.168.1.20", "snapshot"))
            .isEqualTo("camera.udpimage_192_168_1_20_snapshot");
        assertThat(new Topics("Cams-Home", "ha").entityId("binary_sensor", "fe80::1", "motion"))
            .isEqualTo("binary_sensor.cams_home_fe80_1_motion");
    }

}
