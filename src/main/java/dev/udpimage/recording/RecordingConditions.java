package dev.udpimage.recording;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.udpimage.store.Backends;
import dev.udpimage.store.StoreProperties;

/**
 * Whether the recording's beans exist, decided from the settings as their records bind
 * them (defaults included).
 */
public final class RecordingConditions {

    private RecordingConditions() {
    }

    /** {@code udp.recording.enabled} (the default). */
    public static final class Enabled extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean enabled = Binder.get(context.getEnvironment())
                .bindOrCreate("udp.recording", RecordingProperties.class)
                .enabled();
            return new ConditionOutcome(enabled, "udp.recording.enabled is " + enabled);
        }

    }

    /** The file backend records: enabled, with a store directory. */
    public static final class OnFile extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            StoreProperties store = Backends.store(context.getEnvironment());
            boolean enabled = Binder.get(context.getEnvironment())
                .bindOrCreate("udp.recording", RecordingProperties.class)
                .enabled();
            return new ConditionOutcome(store.backend() == StoreProperties.Backend.FILE && store.hasDir() && enabled,
                    "backend " + store.backend() + ", udp.store.dir '" + store.dir() + "', recording enabled "
                            + enabled);
        }

    }

}
