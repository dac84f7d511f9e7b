package dev.udpimage.api.received;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.udpimage.api.Problems;
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
 * page up to date.
 */
@Component
public class ReceivedEvents implements StoreListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReceivedEvents.class);

    /**
     * An emitter lives this long; the browser's EventSource then reconnects by itself.
     */
    private static final long EMITTER_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(30);

    private static final long HEARTBEAT_MS = TimeUnit.SECONDS.toMillis(15);

    private record Event(String name, Object data) {
    }

    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(1024);

    private final Counter dropped;

    private final Thread publisher;

    private final int maxSubscribers;

    public ReceivedEvents(ViewersProperties viewers, MeterRegistry registry) {
        this.maxSubscribers = viewers.maxEvents();
        this.dropped = Counter.builder("udp.events.dropped")
            .description("Viewer events dropped because pages fell behind")
            .register(registry);
        Gauge.builder("udp.viewers", this.emitters, List::size)
            .description("Viewers open: MJPEG streams, or pages on the live events")
            .tag("kind", "events")
            .register(registry);
        this.publisher = new Thread(this::publish, "viewer-events");
        this.publisher.setDaemon(true);
        this.publisher.start();
    }

    /**
     * A new page: it gets every event from now on.
     * @throws org.springframework.web.ErrorResponseException 503 when
     * {@code udp.viewers.max-events} pages are subscribed
     */
    public SseEmitter subscribe() {
        if (this.emitters.size() >= this.maxSubscribers) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Too many viewers", "all " + this.maxSubscribers
                    + " event streams (udp.viewers.max-events) are taken; try again later");
        }
        SseEmitter emitter = new SseEmitter(EMITTER_TIMEOUT_MS);
        this.emitters.add(emitter);
        emitter.onCompletion(() -> this.emitters.remove(emitter));
        emitter.onTimeout(() -> this.emitters.remove(emitter));
        emitter.onError(error -> this.emitters.remove(emitter));
        try {
            emitter.send(SseEmitter.event().reconnectTime(1000).comment("connected"));
        }
        catch (IOException ex) {
            this.emitters.remove(emitter);
        }
        return emitter;
    }

    @Override
    public void imageStored(ImageMetadata image) {
        offer(new Event("image", image));
    }

    @Override
    public void listStored(ReceivedList list) {
        offer(new Event("list", list));
    }

    private void offer(Event event) {
        if (!this.emitters.isEmpty() && !this.queue.offer(event)) {
            this.dropped.increment();
        }
    }

    public int subscribers() {
        return this.emitters.size();
    }

    private void publish() {
        while (!Thread.currentThread().isInterrupted()) {
            Event event;
            try {
                event = this.queue.poll(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                return;
            }
            for (SseEmitter emitter : this.emitters) {
                try {
                    if (event == null) {
                        emitter.send(SseEmitter.event().comment("heartbeat"));
                    }
                    else {
                        emitter
                            .send(SseEmitter.event().name(event.name()).data(event.data(), MediaType.APPLICATION_JSON));
                    }
                }
                catch (IOException | IllegalStateException ex) { // the page went away
                    this.emitters.remove(emitter);
                    log.debug("Viewer disconnected: {}", ex.getMessage());
                }
            }
        }
    }

    /**
     * Ends every open stream; the pages' EventSource reconnects by itself (as after a
     * restart).
     */
    public void completeAll() {
        this.emitters.forEach(SseEmitter::complete);
        this.emitters.clear();
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
        this.publisher.interrupt();
        completeAll();
    }

}
