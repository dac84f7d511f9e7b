package dev.udpimage.events.analysis;

import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.events.Event;
import dev.udpimage.events.EventNotifier;
import dev.udpimage.events.EventStore;
import dev.udpimage.events.Snapshot;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.motion.MotionEvent;

/**
 * What a camera's detector found, kept and told: each transition stored in the
 * {@link EventStore}, then every {@link EventNotifier} told, in order, on the calling
 * thread (the analysis's). A notifier that throws is logged and the others are told all
 * the same; a store that fails loses the transition for the notifiers too (logged and
 * counted), never the analysis.
 */
public class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private static final RateLimitedLog failureLog = new RateLimitedLog(log, 1);

    private final EventStore store;

    private final List<EventNotifier> notifiers;

    private final Counter opened;

    private final Counter failed;

    public EventPublisher(EventStore store, List<EventNotifier> notifiers, MeterRegistry registry) {
        this.store = store;
        this.notifiers = notifiers;
        this.opened = Counter.builder("udp.events.opened").description("Motion events opened").register(registry);
        this.failed = Counter.builder("udp.events.failed")
            .description("Event changes that could not be stored")
            .register(registry);
        // at 0 from the start, whichever channels are configured: rates and alerts see
        // them
        for (String channel : List.of("mqtt", "webhook")) {
            for (String outcome : List.of("sent", "failed", "dropped")) {
                Counter.builder("udp.notifications." + outcome)
                    .description("Notifications " + outcome + ", by channel")
                    .tag("channel", channel)
                    .register(registry);
            }
        }
    }

    /**
     * @return the new event's id, or -1 when it could not be stored
     */
    long opened(String camera, MotionEvent motion, Snapshot snapshot) {
        try {
            Event event = this.store.open(camera, motion, snapshot);
            this.opened.increment();
            tell(notifier -> notifier.opened(event, snapshot));
            return event.id();
        }
        catch (RuntimeException ex) {
            failed(ex);
            return -1;
        }
    }

    void updated(long id, MotionEvent motion, Snapshot snapshot) {
        try {
            Event event = this.store.update(id, motion, snapshot);
            Snapshot latest = snapshot != null ? snapshot : this.store.snapshot(id).orElse(null);
            tell(notifier -> notifier.updated(event, latest));
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    void ended(long id, MotionEvent motion, Snapshot snapshot) {
        try {
            Event event = this.store.end(id, motion, snapshot);
            if (event.ended()) {
                Snapshot latest = snapshot != null ? snapshot : this.store.snapshot(id).orElse(null);
                tell(notifier -> notifier.ended(event, latest));
            }
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    void online(String camera, Instant lastFrameAt) {
        if (this.store.presence(camera, true)) {
            tell(notifier -> notifier.cameraOnline(camera, lastFrameAt));
        }
    }

    void offline(String camera, Instant lastFrameAt) {
        if (this.store.presence(camera, false)) {
            tell(notifier -> notifier.cameraOffline(camera, lastFrameAt));
        }
    }

    private void failed(RuntimeException ex) {
        this.failed.increment();
        failureLog.error("Could not store a motion event: {}", ex.toString());
    }

    private void tell(java.util.function.Consumer<EventNotifier> call) {
        for (EventNotifier notifier : this.notifiers) {
            try {
                call.accept(notifier);
            }
            catch (RuntimeException ex) {
                failureLog.error("{} failed: {}", notifier.getClass().getSimpleName(), ex.toString());
            }
        }
    }

}
