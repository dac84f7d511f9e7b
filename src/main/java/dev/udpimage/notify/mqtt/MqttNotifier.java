package dev.udpimage.notify.mqtt;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

import dev.udpimage.events.Event;
import dev.udpimage.events.EventNotifier;
import dev.udpimage.events.Snapshot;

/**
 * Tells an MQTT broker what happened, for Home Assistant and anyone else subscribed
 * (topics in {@link Topics}): a camera's motion ({@code ON} while an event lasts) and
 * whether it sends ({@code online}), both retained; each event's changes as JSON on
 * {@code <prefix>/events}; the latest snapshot of each camera, retained; and Home
 * Assistant's discovery configs for each camera ({@link Discovery}), published when a
 * camera is first seen and again for every camera remembered whenever Home Assistant says
 * it is {@code online}.
 * <p>
 * Every method returns at once: a message is handed to the client, which sends it, or
 * buffers it while the broker is away ({@link MqttConnection}); snapshots wait in a
 * {@link SnapshotOutbox}. Nothing a broker does can block the events' thread or cost a
 * frame. What becomes of each message is counted ({@link Deliveries}).
 */
public class MqttNotifier implements EventNotifier, MqttConnection.Listener, SmartLifecycle {

    private static final byte[] ON = "ON".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] OFF = "OFF".getBytes(StandardCharsets.US_ASCII);

    private static final long REPUBLISH_WAIT_MILLIS = 10_000;

    /**
     * How long a message that must not be dropped waits for room in the client's window
     * before it is handed again.
     */
    private static final long WINDOW_WAIT_MILLIS = 100;

    private final MqttProperties settings;

    private final Topics topics;

    private final Discovery discovery;

    private final JsonMapper json;

    private final MqttConnection connection;

    private final SnapshotOutbox snapshots;

    private final KnownCameras cameras;

    private final Deliveries deliveries;

    private volatile boolean running;

    private volatile boolean stopped;

    /** An event's change, as {@code <prefix>/events} carries it. */
    record EventMessage(String type, Event event) {
    }

    public MqttNotifier(MqttProperties settings, JsonMapper json, MeterRegistry registry) {
        this.settings = settings;
        this.json = json;
        this.topics = new Topics(settings.prefix(), settings.discoveryPrefix());
        this.discovery = new Discovery(this.topics, json, settings.qos(), settings.publishSnapshots());
        this.snapshots = new SnapshotOutbox(settings.maxSnapshotBytes().toBytes());
        this.cameras = new KnownCameras(settings.maxCameras());
        this.deliveries = new Deliveries(registry);
        String clientId = settings.clientId().isEmpty() ? settings.prefix() + "-" + hostName() : settings.clientId();
        this.connection = new MqttConnection(settings, this.topics, clientId, this);
    }

    @Override
    public void opened(Event event, Snapshot snapshot) {
        seen(event.camera());
        snapshot(event.camera(), snapshot);
        event("new", event);
        publish(this.topics.motion(event.camera()), ON, true);
    }

    @Override
    public void updated(Event event, Snapshot snapshot) {
        snapshot(event.camera(), snapshot);
        event("update", event);
    }

    @Override
    public void ended(Event event, Snapshot snapshot) {
        snapshot(event.camera(), snapshot);
        event("end", event);
        publish(this.topics.motion(event.camera()), OFF, true);
    }

    @Override
    public void cameraOnline(String camera, Instant lastFrameAt) {
        seen(camera);
        publish(this.topics.online(camera), ON, true);
    }

    @Override
    public void cameraOffline(String camera, Instant lastFrameAt) {
        publish(this.topics.online(camera), OFF, true);
    }

    @Override
    public void connected() {
        this.snapshots.connected();
        announce();
        sendSnapshots();
    }

    /**
     * Says the service is online. Right after a reconnection the client's window may be
     * full of what it kept while the broker was away; then this waits for room rather
     * than be dropped (Home Assistant would show every entity unavailable until the next
     * reconnection).
     */
    private void announce() {
        if (this.stopped || !this.connection.connected()) {
            return; // the next connection says it
        }
        try {
            hand(this.topics.available(), MqttConnection.ONLINE, true, this.deliveries);
        }
        catch (MqttException | RuntimeException ex) {
            if (Deliveries.windowFull(ex)) {
                this.connection.later(this::announce, WINDOW_WAIT_MILLIS);
            }
            else {
                this.deliveries.refused(this.topics.available(), ex);
            }
        }
    }

    @Override
    public void homeAssistantOnline() {
        this.cameras.republish(this::republishDiscovery);
    }

    /** Publishes a camera's discovery configs when it is new (or was forgotten). */
    private void seen(String camera) {
        if (this.cameras.seen(camera) && this.settings.discovery()) {
            this.discovery.of(camera).forEach(config -> publish(config.topic(), config.payload(), true));
        }
    }

    /**
     * Every remembered camera's configs, one after the other, each waiting for the
     * broker's acknowledgement (on its own thread): there may be more of them than the
     * client takes at once.
     */
    private void republishDiscovery() {
        for (String camera : this.cameras.all()) {
            for (Discovery.Config config : this.discovery.of(camera)) {
                if (this.stopped || !this.connection.connected()) {
                    return;
                }
                try {
                    hand(config.topic(), config.payload(), true, this.deliveries)
                        .waitForCompletion(REPUBLISH_WAIT_MILLIS);
                }
                catch (MqttException ex) {
                    // counted and logged by the listener, or here if refused at once
                    return;
                }
            }
        }
    }

    private void event(String type, Event event) {
        byte[] payload;
        try {
            payload = this.json.writeValueAsBytes(new EventMessage(type, event));
        }
        catch (RuntimeException ex) {
            this.deliveries.failed(this.topics.events(), ex);
            return;
        }
        publish(this.topics.events(), payload, false);
    }

    private void snapshot(String camera, Snapshot snapshot) {
        if (!this.settings.publishSnapshots() || snapshot == null || this.stopped) {
            return;
        }
        int droppedNow = this.snapshots.put(this.topics.snapshot(camera), snapshot.bytes());
        if (droppedNow > 0) {
            this.deliveries.dropped(droppedNow);
        }
        if (this.connection.connected()) {
            sendSnapshots();
        }
    }

    /** Hands the client what the outbox lets go now. */
    private void sendSnapshots() {
        List<SnapshotOutbox.Outgoing> now = this.snapshots.take();
        for (int i = 0; i < now.size(); i++) {
            SnapshotOutbox.Outgoing outgoing = now.get(i);
            try {
                hand(outgoing.topic(), outgoing.bytes(), true, new IMqttActionListener() {

                    @Override
                    public void onSuccess(IMqttToken token) {
                        MqttNotifier.this.deliveries.sent();
                        MqttNotifier.this.snapshots.done(outgoing);
                        sendSnapshots();
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable failure) {
                        MqttNotifier.this.deliveries.failed(outgoing.topic(), failure);
                        MqttNotifier.this.snapshots.retry(outgoing);
                    }

                });
            }
            catch (MqttException | RuntimeException ex) {
                if (Deliveries.windowFull(ex)) {
                    // a camera's newest snapshot is not dropped for a window full of what
                    // waited for a reconnection: it and the rest wait for room
                    now.subList(i, now.size()).forEach(this.snapshots::retry);
                    this.connection.later(() -> {
                        if (!this.stopped && this.connection.connected()) {
                            sendSnapshots();
                        }
                    }, WINDOW_WAIT_MILLIS);
                    return;
                }
                this.snapshots.done(outgoing);
                this.deliveries.refused(outgoing.topic(), ex);
            }
        }
    }

    private void publish(String topic, byte[] payload, boolean retained) {
        if (!this.stopped) {
            try {
                hand(topic, payload, retained, this.deliveries);
            }
            catch (MqttException | RuntimeException ex) {
                this.deliveries.refused(topic, ex);
            }
        }
    }

    /**
     * Hands a message to the client, counting the oldest one a full buffer drops for it.
     */
    private IMqttDeliveryToken hand(String topic, byte[] payload, boolean retained, IMqttActionListener done)
            throws MqttException {
        boolean full = this.connection.queued() >= this.settings.maxQueued();
        IMqttDeliveryToken token = this.connection.publish(topic, payload, retained, done);
        if (full) {
            this.deliveries.dropped(1);
        }
        return token;
    }

    /** What the health indicator reports. */
    Status status() {
        return new Status(this.connection.problem(), this.settings.url(), this.connection.clientId(),
                this.connection.queued(), this.snapshots.bytes());
    }

    /** The connection's state: its problem is null while connected. */
    record Status(String problem, String broker, String clientId, int queued, long snapshotBytes) {
    }

    @Override
    public void start() {
        this.running = true;
        this.connection.start();
    }

    @Override
    public void stop() {
        this.stopped = true;
        this.running = false;
        this.cameras.stop();
        this.connection.stop();
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "localhost";
        }
    }

}
