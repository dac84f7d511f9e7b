package dev.udpimage.store;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which backend's beans exist, decided from {@code udp.store.*} as
 * {@link StoreProperties} binds it (its defaults included: they are stated nowhere else).
 */
public final class Backends {

    private Backends() {
    }

    /** The settings as they will be bound. */
    public static StoreProperties store(Environment environment) {
        return Binder.get(environment).bindOrCreate("udp.store", StoreProperties.class);
    }

    /** {@code udp.store.backend=file} (the default). */
    public static final class File extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            StoreProperties.Backend backend = store(context.getEnvironment()).backend();
            return new ConditionOutcome(backend == StoreProperties.Backend.FILE, "udp.store.backend is " + backend);
        }

    }

    /** {@code udp.store.backend=cluster}. */
    public static final class Cluster extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            StoreProperties.Backend backend = store(context.getEnvironment()).backend();
            return new ConditionOutcome(backend == StoreProperties.Backend.CLUSTER, "udp.store.backend is " + backend);
        }

    }

}
