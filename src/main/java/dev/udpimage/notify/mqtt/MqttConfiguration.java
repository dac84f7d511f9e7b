package dev.udpimage.notify.mqtt;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The MQTT notifier and its health, only while {@code udp.mqtt.url} is set: without it
 * there is no client, no thread and no {@code mqtt} health component.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(MqttConfiguration.Configured.class)
class MqttConfiguration {

    @Bean
    MqttNotifier mqttNotifier(MqttProperties settings, JsonMapper json, MeterRegistry registry) {
        return new MqttNotifier(settings, json, registry);
    }

    /** {@code mqtt} in {@code /actuator/health}. */
    @Bean
    MqttHealth mqttHealthIndicator(MqttNotifier notifier) {
        return new MqttHealth(notifier);
    }

    /**
     * {@code udp.mqtt.url} is set, as {@link MqttProperties} binds it (its defaults
     * included: they are stated nowhere else).
     */
    static final class Configured extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            MqttProperties settings = Binder.get(context.getEnvironment())
                .bindOrCreate("udp.mqtt", MqttProperties.class);
            return new ConditionOutcome(settings.enabled(),
                    settings.enabled() ? "udp.mqtt.url is " + settings.url() : "udp.mqtt.url is empty");
        }

    }

}
