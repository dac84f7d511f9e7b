package dev.udpimage.api.events;

import java.util.function.Predicate;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.udpimage.api.SseChannel;
import dev.udpimage.events.Event;
import dev.udpimage.events.EventNotifier;
import dev.udpimage.events.Snapshot;
import dev.udpimage.stream.ViewersProperties;

/**
 * {@code GET /events/live}: Server-Sent Events {@code new}, {@code update} and
 * {@code end}, each the event as {@code /events/{id}} shows it, and {@code online} /
 * {@code offline} for cameras, as they happen.
 */
@Component
public class EventStream implements EventNotifier, DisposableBean {

    private final SseChannel channel;

    public EventStream(ViewersProperties viewers, MeterRegistry registry) {
        this.channel = new SseChannel("motion-events", "event streams (udp.viewers.max-events)", viewers.maxEvents(),
                registry);
    }

    SseEmitter subscribe(Predicate<String> cameras) {
        return this.channel.subscribe(cameras);
    }

    @Override
    public void opened(Event event, Snapshot snapshot) {
        this.channel.offer("new", event, event.camera());
    }

    @Override
    public void updated(Event event, Snapshot snapshot) {
        this.channel.offer("update", event, event.camera());
    }

    @Override
    public void ended(Event event, Snapshot snapshot) {
        this.channel.offer("end", event, event.camera());
    }

    @Override
    public void cameraOnline(String camera, java.time.Instant lastFrameAt) {
        this.channel.offer("online", Map.of("camera", camera, "lastFrameAt", lastFrameAt.toString()), camera);
    }

    @Override
    public void cameraOffline(String camera, java.time.Instant lastFrameAt) {
        this.channel.offer("offline", Map.of("camera", camera, "lastFrameAt", lastFrameAt.toString()), camera);
    }

    @EventListener(ContextClosedEvent.class)
    void closing() {
        this.channel.completeAll();
    }

    @Override
    public void destroy() {
        this.channel.close();
    }

}
