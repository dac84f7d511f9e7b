package dev.udpimage.api;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One Server-Sent Events channel: whoever has news only offers it to a bounded queue and
 * never waits; one publisher thread writes to the open pages (and a heartbeat every 15
 * s), so many or slow pages slow nothing else. If pages fall so far behind that the queue
 * is full, the newest events are dropped and counted. At most {@code maxSubscribers}
 * pages at once (then 503).
 */
public final class SseChannel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SseChannel.class);

    /**
     * An emitter lives this long; the browser's EventSource then reconnects by itself.
     */
    private static final long EMITTER_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(30);

    private static final long HEARTBEAT_MS = TimeUnit.SECONDS.toMillis(15);

    private record Message(String name, Object data, String camera) {
    }

    /** A page and the cameras it may see. */
    private record Subscriber(SseEmitter emitter, Predicate<String> cameras) {
    }

    private final List<Subscriber> emitters = new CopyOnWriteArrayList<>();

    private final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(1024);

    private final Counter dropped;

    private final Thread publisher;

    private final int maxSubscribers;

    private final String what;

    /**
     * @param kind the {@code udp.viewers{kind}} tag of its subscribers' gauge
     * @param what what its pages are, for the 503 problem ("event streams
     * (udp.viewers.max-events)")
     */
    public SseChannel(String kind, String what, int maxSubscribers, MeterRegistry registry) {
        this.maxSubscribers = maxSubscribers;
        this.what = what;
        this.dropped = Counter.builder("udp.events.dropped")
            .description("Server-sent events dropped because pages fell behind")
            .tag("kind", kind)
            .register(registry);
        Gauge.builder("udp.viewers", this.emitters, List::size)
            .description("Viewers open: MJPEG streams, or pages on a live event stream")
            .tag("kind", kind)
            .register(registry);
        this.publisher = new Thread(this::publish, "sse-" + kind);
        this.publisher.setDaemon(true);
        this.publisher.start();
    }

    /**
     * A new page: it gets every event from now on of the cameras it may see (and those of
     * no camera).
     * @throws org.springframework.web.ErrorResponseException 503 when full
     */
    public SseEmitter subscribe(Predicate<String> cameras) {
        if (this.emitters.size() >= this.maxSubscribers) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Too many viewers",
                    "all " + this.maxSubscribers + " " + this.what + " are taken; try again later");
        }
        SseEmitter emitter = new SseEmitter(EMITTER_TIMEOUT_MS);
        Subscriber subscriber = new Subscriber(emitter, cameras);
        this.emitters.add(subscriber);
        emitter.onCompletion(() -> this.emitters.remove(subscriber));
        emitter.onTimeout(() -> this.emitters.remove(subscriber));
        emitter.onError(error -> this.emitters.remove(subscriber));
        try {
            emitter.send(SseEmitter.event().reconnectTime(1000).comment("connected"));
        }
        catch (IOException ex) {
            this.emitters.remove(subscriber);
        }
        return emitter;
    }

    /**
     * Offers an event to the open pages; never waits.
     * @param camera the camera it is about (only pages that may see it get it), or null
     */
    public void offer(String name, Object data, String camera) {
        if (!this.emitters.isEmpty() && !this.queue.offer(new Message(name, data, camera))) {
            this.dropped.increment();
        }
    }

    public int subscribers() {
        return this.emitters.size();
    }

    private void publish() {
        while (!Thread.currentThread().isInterrupted()) {
            Message message;
            try {
                message = this.queue.poll(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException ex) {
                return;
            }
            for (Subscriber subscriber : this.emitters) {
                SseEmitter emitter = subscriber.emitter();
                if (message != null && message.camera() != null && !subscriber.cameras().test(message.camera())) {
                    continue;
                }
                try {
                    if (message == null) {
                        emitter.send(SseEmitter.event().comment("heartbeat"));
                    }
                    else {
                        emitter.send(SseEmitter.event()
                            .name(message.name())
                            .data(message.data(), MediaType.APPLICATION_JSON));
                    }
                }
                catch (IOException | IllegalStateException ex) { // the page went away
                    this.emitters.remove(subscriber);
                    log.debug("Viewer disconnected: {}", ex.getMessage());
                }
            }
        }
    }

    /** Ends every open stream; the pages' EventSource reconnects by itself. */
    public void completeAll() {
        this.emitters.forEach(subscriber -> subscriber.emitter().complete());
        this.emitters.clear();
    }

    @Override
    public void close() {
        this.publisher.interrupt();
        completeAll();
    }

}
