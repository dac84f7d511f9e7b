package dev.udpimage.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * What a subscriber of the broker receives: Paho's synchronous client, subscribed at QoS
 * 1, keeping every message in the order it arrived. With a persistent session the broker
 * keeps its subscriptions, and what arrives for them, while it is away (and across the
 * broker's restart): {@link #reconnect()} then receives all of it.
 */
public final class TestSubscriber implements AutoCloseable {

    /** A message as received; {@code retained} only when sent for a new subscription. */
    public record Message(String topic, byte[] payload, boolean retained, java.time.Instant arrived) {

        public String text() {
            return new String(this.payload, StandardCharsets.UTF_8);
        }

    }

    private final String url;

    /** The broker keeps a persistent session by this id, whichever client connects. */
    private final String id = "test-subscriber-" + UUID.randomUUID();

    private volatile MqttClient client;

    private final MqttConnectOptions options = new MqttConnectOptions();

    private final List<Message> received = new CopyOnWriteArrayList<>();

    private TestSubscriber(String url, boolean persistent) throws MqttException {
        this.url = url;
        this.options.setCleanSession(!persistent);
        this.options.setAutomaticReconnect(false);
        this.options.setConnectionTimeout(5);
        this.client = newClient();
    }

    private MqttClient newClient() throws MqttException {
        MqttClient client = new MqttClient(this.url, this.id, new MemoryPersistence());
        // a connect the broker never answers fails instead of waiting for ever
        client.setTimeToWait(10_000);
        client.setCallback(new MqttCallback() {

            @Override
            public void connectionLost(Throwable cause) {
                // reconnect() when the test wants it
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                TestSubscriber.this.received
                    .add(new Message(topic, message.getPayload(), message.isRetained(), java.time.Instant.now()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }

        });
        return client;
    }

    /** Connected and subscribed to {@code filters} at QoS 1. */
    public static TestSubscriber open(String url, boolean persistent, String... filters) throws MqttException {
        TestSubscriber subscriber = new TestSubscriber(url, persistent);
        subscriber.client.connect(subscriber.options);
        int[] qos = new int[filters.length];
        Arrays.fill(qos, 1);
        subscriber.client.subscribe(filters, qos);
        return subscriber;
    }

    /** What a new subscriber of {@code topic} receives first: its retained message. */
    public static Message retained(String url, String topic) throws MqttException {
        try (TestSubscriber fresh = open(url, false, topic)) {
            return fresh.await(topic, message -> true);
        }
    }

    /** Connects again (the same session, when persistent), retrying until it can. */
    public void reconnect() {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                if (!this.client.isConnected()) {
                    this.client.connect(this.options);
                }
                return true;
            }
            catch (MqttException ex) {
                // a client whose connect went unanswered can stay "connecting" (once in
                // CI: its CONNECT never reached the restarted broker): a new one, same id
                try {
                    this.client.close(true);
                }
                catch (MqttException ignored) {
                    // it is dropped either way
                }
                this.client = newClient();
                return false;
            }
        });
    }

    public void publish(String topic, String payload, boolean retained) throws MqttException {
        this.client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retained);
    }

    /** Every message received on {@code topic}, oldest first. */
    public List<Message> on(String topic) {
        return this.received.stream().filter(message -> message.topic().equals(topic)).toList();
    }

    public List<Message> all() {
        return List.copyOf(this.received);
    }

    public void clear() {
        this.received.clear();
    }

    /** The first message on {@code topic} that matches, waiting for it. */
    public Message await(String topic, Predicate<Message> matching) {
        return Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> on(topic).stream().filter(matching).findFirst().orElse(null), message -> message != null);
    }

    /** Waits until {@code topic} received {@code count} messages; all of them. */
    public List<Message> await(String topic, int count) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> on(topic).size() >= count);
        return on(topic);
    }

    /** Disconnects; a persistent session is ended too, so that nothing waits for it. */
    @Override
    public void close() {
        try {
            if (this.client.isConnected()) {
                this.client.disconnect(2000);
                if (!this.options.isCleanSession()) {
                    this.options.setCleanSession(true);
                    this.client.connect(this.options);
                    this.client.disconnect(2000);
                }
            }
            this.client.close();
        }
        catch (MqttException ex) {
            // the broker is away
        }
    }

}
