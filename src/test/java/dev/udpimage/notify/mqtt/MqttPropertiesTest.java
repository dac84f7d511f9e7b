package dev.udpimage.notify.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * {@code udp.mqtt.*} bound as the service binds them: off without a URL, and a URL, a
 * prefix or credentials that cannot work refused at start with what is wrong.
 */
class MqttPropertiesTest {

    private static MqttProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("udp.mqtt", MqttProperties.class);
    }

    private static String refusal(Map<String, String> settings) {
        try {
            bind(settings);
        }
        catch (BindException ex) {
            Throwable cause = ex;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause.getMessage();
        }
        throw new AssertionError("bound " + settings);
    }

    @Test
    void offWithoutAUrlAndTheDefaultsOtherwise() {
        MqttProperties defaults = bind(Map.of());
        assertThat(defaults.enabled()).isFalse();
        assertThat(defaults.prefix()).isEqualTo("udpimage");
        assertThat(defaults.discoveryPrefix()).isEqualTo("homeassistant");
        assertThat(defaults.qos()).isEqualTo(1);
        assertThat(bind(Map.of("udp.mqtt.url", "tcp://broker:1883")).enabled()).isTrue();
        assertThat(bind(Map.of("udp.mqtt.url", "ssl://broker.example:8883")).enabled()).isTrue();
    }

    @Test
    void aUrlThatIsNotTcpOrSslIsRefused() {
        assertThat(refusal(Map.of("udp.mqtt.url", "mqtt://broker:1883"))).contains("tcp://host:port");
        assertThat(refusal(Map.of("udp.mqtt.url", "tcp://user:pw@broker:1883"))).contains("udp.mqtt.username");
        assertThat(refusal(Map.of("udp.mqtt.url", "tcp://broker:1883/path"))).contains("nothing more");
    }

    @Test
    void aPrefixWithWildcardsOrSlashesAtItsEndsIsRefused() {
        assertThat(refusal(Map.of("udp.mqtt.prefix", "cams/#"))).contains("udp.mqtt.prefix").contains("wildcards");
        assertThat(refusal(Map.of("udp.mqtt.prefix", "a+b"))).contains("wildcards");
        assertThat(refusal(Map.of("udp.mqtt.prefix", "/cams"))).contains("start or end with /");
        assertThat(refusal(Map.of("udp.mqtt.discovery-prefix", "ha/"))).contains("udp.mqtt.discovery-prefix");
        assertThat(bind(Map.of("udp.mqtt.prefix", "home/cams")).prefix()).isEqualTo("home/cams");
    }

    @Test
    void aPasswordWithoutAUserAndAKeepAliveUnderASecondAreRefused() {
        assertThat(refusal(Map.of("udp.mqtt.password", "x"))).contains("udp.mqtt.username");
        assertThat(refusal(Map.of("udp.mqtt.keep-alive", "500ms"))).contains("udp.mqtt.keep-alive");
        assertThat(refusal(Map.of("udp.mqtt.max-reconnect-delay", "0s"))).contains("udp.mqtt.max-reconnect-delay");
    }

}
