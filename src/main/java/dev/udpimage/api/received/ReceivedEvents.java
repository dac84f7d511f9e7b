package dev.udpimage.api.received;

import java.util.function.Predicate;
import dev.udpimage.store.CameraKey;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.udpimage.api.SseChannel;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.StoreListener;
import dev.udpimage.stream.ViewersProperties;

/**
 * Server-Sent Events for the live viewer ({@code GET /received/events}): {@code image}
 * events carry an image's metadata, {@code list} events a list; pages fetch the picture
 * itself by URL. The receive path only offers an event to a bounded queue and never
 * waits: one publisher thread writes to the open pages, so many (or slow) pages cannot
 * slow the UDP ports. If pages fall so far behind that the queue is full, the newest
 * events are dropped and counted ({@code udp.events.dropped}); the next one brings the
 * page up to date ({@link SseChannel}).
 */
@Component
public class ReceivedEvents implements StoreListener, DisposableBean {

    private final SseChannel channel;

    private final CameraKey cameras;

    public ReceivedEvents(ViewersProperties viewers, CameraKey cameras, MeterRegistry registry) {
        this.cameras = cameras;
        this.channel = new SseChannel("events", "event streams (udp.viewers.max-events)", viewers.maxEvents(),
                registry);
    }

    /**
     * A new page: it gets every event from now on of the cameras it may see.
     * @throws org.springframework.web.ErrorResponseException 503 when
     * {@code udp.viewers.max-events} pages are subscribed
     */
    public SseEmitter subscribe(Predicate<String> cameras) {
        return this.channel.subscribe(cameras);
    }

    @Override
    public void imageStored(ImageMetadata image) {
        this.channel.offer("image", image, this.cameras.cameraOf(image.sender()));
    }

    @Override
    public void listStored(ReceivedList list) {
        this.channel.offer("list", list, this.cameras.cameraOf(list.sender()));
    }

    public int subscribers() {
        return this.channel.subscribers();
    }

    /**
     * Ends every open stream; the pages' EventSource reconnects by itself (as after a
     * restart).
     */
    public void completeAll() {
        this.channel.completeAll();
    }

    /**
     * Open streams end as soon as the context starts closing, before the web server's
     * graceful shutdown waits for requests in progress: an open viewer held every
     * shutdown for the full 30 s grace period.
     */
    @EventListener(ContextClosedEvent.class)
    void closing() {
        completeAll();
    }

    @Override
    public void destroy() {
        this.channel.close();
    }

}
