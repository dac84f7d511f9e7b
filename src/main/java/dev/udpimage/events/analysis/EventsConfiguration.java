package dev.udpimage.events.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.udpimage.events.Event;
import dev.udpimage.events.EventNotifier;
import dev.udpimage.events.EventStore;
import dev.udpimage.events.MotionProperties;
import dev.udpimage.recording.EventFootage;
import dev.udpimage.store.CameraKey;
import dev.udpimage.stream.StreamHub;

/**
 * The events' beans over whichever {@link EventStore} the backend provides: the publisher
 * that stores and tells, the motion analysis ({@code udp.motion.enabled}), the cameras'
 * presence, and the footage the recording keeps longer for them.
 */
@Configuration(proxyBeanMethods = false)
public class EventsConfiguration {

    @Bean
    EventPublisher eventPublisher(EventStore store, ObjectProvider<EventNotifier> notifiers, MeterRegistry registry) {
        return new EventPublisher(store, notifiers.orderedStream().toList(), registry);
    }

    @Bean
    @Conditional(MotionEnabled.class)
    MotionStage motionStage(MotionProperties settings, CameraKey cameras, EventPublisher publisher,
            MeterRegistry registry) {
        return new MotionStage(settings, cameras, publisher, registry);
    }

    @Bean
    CameraPresence cameraPresence(StreamHub streams, EventPublisher publisher, MeterRegistry registry) {
        return new CameraPresence(streams, publisher, registry);
    }

    /**
     * Each event's stretch: from its pre-capture before its start to its post-capture
     * after its end.
     */
    @Bean
    EventFootage eventFootage(EventStore store, MotionProperties motion) {
        return since -> footage(store.endedOrOpenSince(since), motion);
    }

    static List<EventFootage.Stretch> footage(List<Event> events, MotionProperties motion) {
        Instant now = Instant.now();
        return events.stream().map(event -> {
            Duration pre = motion.preCaptureOf(event.camera());
            Duration post = motion.postCaptureOf(event.camera());
            Instant end = event.ended() ? event.end() : now;
            return new EventFootage.Stretch(event.camera(), event.start().minus(pre), end.plus(post));
        }).toList();
    }

    /** {@code udp.motion.enabled} (the default), as the record binds it. */
    static final class MotionEnabled extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean enabled = Binder.get(context.getEnvironment())
                .bindOrCreate("udp.motion", MotionProperties.class)
                .enabled();
            return new ConditionOutcome(enabled, "udp.motion.enabled is " + enabled);
        }

    }

}
