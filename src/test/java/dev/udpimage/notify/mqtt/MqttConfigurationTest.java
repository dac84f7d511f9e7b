package dev.udpimage.notify.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.udpimage.events.EventNotifier;

/**
 * MQTT exists only with a broker: without {@code udp.mqtt.url}, or with it empty, there
 * is no notifier (so no client and no thread) and no {@code mqtt} health component.
 */
class MqttConfigurationTest {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner().withUserConfiguration(Needs.class,
            MqttConfiguration.class);

    @Test
    void noUrlNoMqtt() {
        this.contexts
            .run(context -> assertThat(context).doesNotHaveBean(MqttNotifier.class).doesNotHaveBean(MqttHealth.class));
        this.contexts.withPropertyValues("udp.mqtt.url=")
            .run(context -> assertThat(context).doesNotHaveBean(EventNotifier.class));
    }

    @Test
    void aUrlMakesTheNotifierAndItsHealth() {
        // nothing listens on port 1: it keeps trying in the background, and says why
        this.contexts.withPropertyValues("udp.mqtt.url=tcp://127.0.0.1:1").run(context -> {
            assertThat(context).hasSingleBean(EventNotifier.class).hasBean("mqttHealthIndicator");
            assertThat(context.getBean(MqttHealth.class).health().getStatus().getCode()).isEqualTo("DOWN");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(MqttProperties.class)
    static class Needs {

        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().build();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

    }

}
