package dev.udpimage.notify.webhook;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.udpimage.access.CidrRange;
import dev.udpimage.events.Event;
import dev.udpimage.events.EventNotifier;
import dev.udpimage.events.Snapshot;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.notify.webhook.WebhookClient.Outcome;
import dev.udpimage.notify.webhook.WebhookClient.Result;
import dev.udpimage.notify.webhook.WebhookProperties.Webhook;

/**
 * POSTs every event opened and ended (and updated, if {@code udp.events.webhook-updates})
 * and every camera going on- or offline to each of {@code udp.events.webhooks}, signed.
 * The {@link EventNotifier} methods only queue the notification and return. One thread of
 * its own delivers: each hook takes its notifications in order, each gets
 * {@code webhook-attempts} tries at most, spaced by a backoff doubled each time; a hook
 * waiting for its next try holds back none of the others, and a hook that does not answer
 * holds the thread for the timeout of each try. Each hook keeps at most
 * {@code webhook-queue} notifications waiting; past that its oldest is dropped. Every
 * notification is counted once per hook: sent, failed or dropped.
 */
@Component
@Conditional(WebhooksConfigured.class)
public class WebhookNotifier implements EventNotifier, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);

    /** The longest wait between tries, however many are configured. */
    private static final long MAX_BACKOFF_NANOS = TimeUnit.HOURS.toNanos(1);

    /**
     * One notification: its JSON fields but the time it is sent, and its id, the same at
     * every hook and on every try.
     */
    private record Notification(String type, String delivery, Map<String, Object> fields) {
    }

    /**
     * One hook, its notifications waiting (guarded by the lock) and the one being tried
     * (the webhook thread's alone).
     */
    private static final class Line {

        final String name;

        final URI url;

        final String secret;

        final ArrayDeque<Notification> waiting = new ArrayDeque<>();

        Notification current;

        int tries;

        long dueNanos;

        Line(int index, Webhook hook) {
            this.name = "udp.events.webhooks[" + index + "] (" + hook.where() + ")";
            this.url = URI.create(hook.url());
            this.secret = hook.secret();
        }

    }

    private final RateLimitedLog failures = new RateLimitedLog(log, 20);

    private final Object lock = new Object();

    private final List<Line> lines = new ArrayList<>();

    private final JsonMapper json;

    private final WebhookClient client;

    private final int queue;

    private final int attempts;

    private final long backoffNanos;

    private final boolean updates;

    private final Counter sent;

    private final Counter failed;

    private final Counter dropped;

    private final Thread worker;

    private volatile boolean running = true;

    public WebhookNotifier(WebhookProperties properties, JsonMapper json, MeterRegistry registry) {
        this.json = json;
        this.client = new WebhookClient(properties.webhookTargets().stream().map(CidrRange::parse).toList(),
                properties.webhookTimeout());
        for (int i = 0; i < properties.webhooks().size(); i++) {
            this.lines.add(new Line(i, properties.webhooks().get(i)));
        }
        this.queue = properties.webhookQueue();
        this.attempts = properties.webhookAttempts();
        this.backoffNanos = Math.min(properties.webhookBackoff().toNanos(), MAX_BACKOFF_NANOS);
        this.updates = properties.webhookUpdates();
        this.sent = counter(registry, "udp.notifications.sent", "Notifications a webhook answered with 2xx");
        this.failed = counter(registry, "udp.notifications.failed",
                "Notifications a webhook never took: out of tries, refused, or answered 3xx or 4xx");
        this.dropped = counter(registry, "udp.notifications.dropped",
                "Notifications dropped unsent because a webhook's queue was full");
        this.worker = new Thread(this::deliver, "webhooks");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).tag("channel", "webhook").register(registry);
    }

    @Override
    public void opened(Event event, Snapshot snapshot) {
        offer("new", "event", event);
    }

    @Override
    public void updated(Event event, Snapshot snapshot) {
        if (this.updates) {
            offer("update", "event", event);
        }
    }

    @Override
    public void ended(Event event, Snapshot snapshot) {
        offer("end", "event", event);
    }

    @Override
    public void cameraOnline(String camera, Instant lastFrameAt) {
        offer("camera-online", "camera", camera, "lastFrameAt", lastFrameAt);
    }

    @Override
    public void cameraOffline(String camera, Instant lastFrameAt) {
        offer("camera-offline", "camera", camera, "lastFrameAt", lastFrameAt);
    }

    /** Queues a notification for every hook: names and values of its fields. */
    private void offer(String type, Object... fields) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            map.put((String) fields[i], fields[i + 1]);
        }
        Notification notification = new Notification(type, UUID.randomUUID().toString(), map);
        List<String> overflow = new ArrayList<>(0);
        synchronized (this.lock) {
            for (Line line : this.lines) {
                if (line.waiting.size() >= this.queue) {
                    Notification oldest = line.waiting.removeFirst();
                    overflow.add("the " + oldest.type() + " notification " + oldest.delivery() + " for " + line.name);
                }
                line.waiting.addLast(notification);
            }
            this.lock.notifyAll();
        }
        // counted and logged outside the lock the webhook thread takes
        for (String oldest : overflow) {
            this.dropped.increment();
            this.failures.warn("Dropped {}: {} were waiting (udp.events.webhook-queue)", oldest, this.queue);
        }
    }

    /** The webhook thread: the next try due, until stopped. */
    private void deliver() {
        while (this.running) {
            try {
                Line line;
                synchronized (this.lock) {
                    line = next();
                    long wait = line == null ? 0 : line.dueNanos - System.nanoTime();
                    if (line == null || wait > 0) {
                        if (line == null) {
                            this.lock.wait();
                        }
                        else {
                            TimeUnit.NANOSECONDS.timedWait(this.lock, wait);
                        }
                        continue;
                    }
                }
                settle(line, attempt(line, line.current));
            }
            catch (InterruptedException ex) {
                return; // stopped
            }
        }
    }

    /** The hook whose try is due first, each hook's next notification taken up. */
    private Line next() {
        Line first = null;
        long now = System.nanoTime();
        for (Line line : this.lines) {
            if (line.current == null && !line.waiting.isEmpty()) {
                line.current = line.waiting.removeFirst();
                line.tries = 0;
                line.dueNanos = now;
            }
            if (line.current != null && (first == null || line.dueNanos - first.dueNanos < 0)) {
                first = line;
            }
        }
        return first;
    }

    /** One try, its body written with the time it is sent. */
    private Result attempt(Line line, Notification notification) throws InterruptedException {
        try {
            Map<String, Object> fields = new LinkedHashMap<>(notification.fields());
            fields.put("sentAt", Instant.now());
            byte[] body = this.json.writeValueAsBytes(fields);
            return this.client.post(line.url, line.secret, notification.type(), notification.delivery(), body);
        }
        catch (RuntimeException ex) {
            return new Result(Outcome.FAILED, "cannot send: " + ex);
        }
    }

    /**
     * Counts a try's result, and schedules the next try or takes the next notification.
     * Only the webhook thread touches a line's current notification: no lock, and nothing
     * logged here holds back {@link #offer}.
     */
    private void settle(Line line, Result result) {
        Notification notification = line.current;
        line.tries++;
        if (result.outcome() == Outcome.SENT) {
            this.sent.increment();
            log.debug("Sent the {} notification {} to {}: {}", notification.type(), notification.delivery(), line.name,
                    result.why());
        }
        else if (result.outcome() == Outcome.RETRY && line.tries < this.attempts) {
            long backoff = this.backoffNanos << Math.min(line.tries - 1, 20);
            line.dueNanos = System.nanoTime() + Math.min(backoff, MAX_BACKOFF_NANOS);
            log.debug("Try {} of the {} notification {} to {} failed: {}", line.tries, notification.type(),
                    notification.delivery(), line.name, result.why());
            return;
        }
        else {
            this.failed.increment();
            this.failures.warn("The {} notification {} to {} failed after {} tries: {}", notification.type(),
                    notification.delivery(), line.name, line.tries, result.why());
        }
        line.current = null;
        line.dueNanos = System.nanoTime();
    }

    /** Stops the webhook thread; notifications still waiting are not sent. */
    @Override
    public void destroy() throws InterruptedException {
        this.running = false;
        this.worker.interrupt();
        this.worker.join(TimeUnit.SECONDS.toMillis(1));
    }

}
