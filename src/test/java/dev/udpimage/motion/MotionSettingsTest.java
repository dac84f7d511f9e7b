package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MotionSettingsTest {

    @Test
    void defaults() {
        MotionSettings settings = MotionSettings.defaults();
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.sensitivity()).isEqualTo(60);
        assertThat(settings.threshold()).isEqualTo(23);
        assertThat(settings.minArea()).isEqualTo(0.002);
        assertThat(settings.masks()).isEmpty();
        assertThat(settings.zones()).isEmpty();
        assertThat(settings.minFrames()).isEqualTo(3);
        assertThat(settings.postCapture()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.lightswitch()).isEqualTo(0.8);
    }

    @Test
    void sensitivitySetsTheThreshold() {
        assertThat(MotionSettings.defaults().withSensitivity(100).threshold()).isEqualTo(3);
        assertThat(MotionSettings.defaults().withSensitivity(1).threshold()).isEqualTo(52.5);
    }

    @Test
    void zonesKeepTheirOrderAndCollectionsAreCopied() {
        Map<String, Polygon> zones = new LinkedHashMap<>();
        for (String name : List.of("z", "a", "m", "b")) {
            zones.put(name, Polygon.parse("0,0 1,0 1,1"));
        }
        MotionSettings settings = MotionSettings.defaults().withZones(zones);
        zones.clear();
        assertThat(settings.zones().keySet()).containsExactly("z", "a", "m", "b");
        assertThat(settings.withMasks(List.of(Polygon.parse("0,0 1,0 1,1"))).masks()).hasSize(1);
    }

    @Test
    void rejectsValuesOutOfRange() {
        MotionSettings d = MotionSettings.defaults();
        assertThatIllegalArgumentException().isThrownBy(() -> d.withSensitivity(0)).withMessageContaining("1 to 100");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withSensitivity(101));
        assertThatIllegalArgumentException().isThrownBy(() -> d.withMinArea(-0.1)).withMessageContaining("minArea");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withMinArea(Double.NaN));
        assertThatIllegalArgumentException().isThrownBy(() -> d.withMinFrames(0)).withMessageContaining("minFrames");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withPostCapture(Duration.ofSeconds(-1)))
            .withMessageContaining("postCapture");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withLightswitch(0))
            .withMessageContaining("lightswitch");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withLightswitch(1.01));
        assertThatIllegalArgumentException().isThrownBy(() -> d.withZones(Map.of(" ", Polygon.parse("0,0 1,0 1,1"))))
            .withMessageContaining("name");
        Map<String, Polygon> many = new LinkedHashMap<>();
        for (int i = 0; i <= MotionSettings.MAX_ZONES; i++) {
            many.put("z" + i, Polygon.parse("0,0 1,0 1,1"));
        }
        assertThatIllegalArgumentException().isThrownBy(() -> d.withZones(many)).withMessageContaining("64");
    }

}
