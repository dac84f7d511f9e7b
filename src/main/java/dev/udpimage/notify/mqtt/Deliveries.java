package dev.udpimage.notify.mqtt;

import java.util.Arrays;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.limit.RateLimitedLog;

/**
 * What became of the messages handed to the client, as the listener of each:
 * {@code udp.notifications.sent} (the broker acknowledged it, or took it at QoS 0),
 * {@code udp.notifications.failed} (refused, or lost with its connection) and
 * {@code udp.notifications.dropped} (let go to stay within {@code udp.mqtt.max-queued} or
 * {@code max-snapshot-bytes}), each tagged {@code channel=mqtt} and registered at 0.
 * Failures are logged, at most 5 lines a second.
 */
final class Deliveries implements IMqttActionListener {

    private static final Logger logger = LoggerFactory.getLogger(MqttNotifier.class);

    private final RateLimitedLog log = new RateLimitedLog(logger, 5);

    private final Counter sent;

    private final Counter failed;

    private final Counter dropped;

    Deliveries(MeterRegistry registry) {
        this.sent = counter(registry, "udp.notifications.sent", "notifications the broker took");
        this.failed = counter(registry, "udp.notifications.failed", "notifications that could not be sent");
        this.dropped = counter(registry, "udp.notifications.dropped",
                "notifications dropped to stay within udp.mqtt.max-queued or max-snapshot-bytes");
    }

    @Override
    public void onSuccess(IMqttToken token) {
        sent();
    }

    @Override
    public void onFailure(IMqttToken token, Throwable failure) {
        failed(Arrays.toString(token.getTopics()), failure);
    }

    void sent() {
        this.sent.increment();
    }

    void dropped(int messages) {
        this.dropped.increment(messages);
    }

    void failed(String topic, Throwable failure) {
        this.failed.increment();
        this.log.warn("MQTT: could not publish to {}: {}", topic, MqttConnection.describe(failure));
    }

    /**
     * Whether the client refused a message because its window of messages in flight
     * ({@code udp.mqtt.max-queued}) is full.
     */
    static boolean windowFull(Exception ex) {
        return ex instanceof MqttException mqtt && mqtt.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT;
    }

    /** The client did not take a message: dropped when full, failed otherwise. */
    void refused(String topic, Exception ex) {
        if (windowFull(ex)) {
            dropped(1);
            this.log.warn("MQTT: dropped a message to {}: udp.mqtt.max-queued messages wait for the broker", topic);
        }
        else {
            failed(topic, ex);
        }
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).tag("channel", "mqtt").register(registry);
    }

}
