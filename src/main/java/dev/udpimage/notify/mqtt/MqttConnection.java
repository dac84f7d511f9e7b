package dev.udpimage.notify.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.limit.RateLimitedLog;

/**
 * The connection to the broker: Paho's asynchronous client with a clean session, a last
 * will ({@code <prefix>/available} = {@code offline}, retained), and a buffer in memory
 * for what is published while the broker is away: at most {@code max-queued} messages,
 * the oldest dropped past it. Paho reconnects by itself once a connection is lost; the
 * first connection, which it does not retry, is retried here, the waits doubling from 1 s
 * to {@code max-reconnect-delay}. Nothing here blocks a caller.
 */
final class MqttConnection implements MqttCallbackExtended {

    /** What the notifier does when the connection changes. */
    interface Listener {

        /**
         * Connected, for the first time or again: {@code <prefix>/available} is to say
         * {@code online}.
         */
        void connected();

        /** Home Assistant (re)started and wants the discovery configs again. */
        void homeAssistantOnline();

    }

    static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);

    static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private static final Logger logger = LoggerFactory.getLogger(MqttConnection.class);

    private final RateLimitedLog log = new RateLimitedLog(logger, 5);

    private final MqttProperties settings;

    private final Topics topics;

    private final MqttAsyncClient client;

    private final MqttConnectOptions options = new MqttConnectOptions();

    private final ScheduledExecutorService retries;

    private final Listener listener;

    private volatile String problem;

    private volatile boolean everConnected;

    private volatile boolean stopped;

    private long retryMillis = 1000;

    MqttConnection(MqttProperties settings, Topics topics, String clientId, Listener listener) {
        this.settings = settings;
        this.topics = topics;
        this.listener = listener;
        this.problem = "connecting to " + settings.url();
        try {
            this.client = new MqttAsyncClient(settings.url(), clientId, new MemoryPersistence());
        }
        catch (MqttException ex) {
            throw new IllegalArgumentException("udp.mqtt.url " + settings.url() + ": " + describe(ex), ex);
        }
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(settings.maxQueued());
        buffer.setDeleteOldestMessages(true);
        buffer.setPersistBuffer(false);
        this.client.setBufferOpts(buffer);
        this.client.setCallback(this);
        this.options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        this.options.setCleanSession(true);
        this.options.setAutomaticReconnect(true);
        this.options.setMaxReconnectDelay((int) settings.maxReconnectDelay().toMillis());
        this.options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        this.options.setConnectionTimeout(10);
        this.options.setMaxInflight(settings.maxQueued());
        this.options.setHttpsHostnameVerificationEnabled(true);
        this.options.setWill(topics.available(), OFFLINE, settings.qos(), true);
        if (!settings.username().isEmpty()) {
            this.options.setUserName(settings.username());
            if (!settings.password().isEmpty()) {
                this.options.setPassword(settings.password().toCharArray());
            }
        }
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mqtt-connect");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts connecting, in the background. */
    void start() {
        this.retries.execute(this::connect);
    }

    boolean connected() {
        return this.client.isConnected();
    }

    /**
     * Runs {@code task} on the connection's thread after {@code millis}, unless stopped.
     */
    void later(Runnable task, long millis) {
        try {
            this.retries.schedule(task, millis, TimeUnit.MILLISECONDS);
        }
        catch (RuntimeException stopping) {
            // stopped meanwhile
        }
    }

    /** Why it is not connected; null while connected. */
    String problem() {
        return connected() ? null : this.problem;
    }

    String clientId() {
        return this.client.getClientId();
    }

    /** Messages waiting in the buffer for the broker. */
    int queued() {
        return this.client.getBufferedMessageCount();
    }

    /**
     * Hands a message to the client: sent now if connected, else buffered.
     * @throws MqttException when it takes no more ({@code MAX_INFLIGHT}) or fails at once
     */
    IMqttDeliveryToken publish(String topic, byte[] payload, boolean retained, IMqttActionListener done)
            throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(this.settings.qos());
        message.setRetained(retained);
        return this.client.publish(topic, message, null, done);
    }

    private void connect() {
        if (this.stopped) {
            return;
        }
        try {
            this.client.connect(this.options, null, new IMqttActionListener() {

                @Override
                public void onSuccess(IMqttToken token) {
                    // connectComplete does the work
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    connectFailed(failure);
                }

            });
        }
        catch (MqttException ex) {
            connectFailed(ex);
        }
    }

    private void connectFailed(Throwable failure) {
        this.problem = "cannot connect to " + this.settings.url() + ": " + describe(failure);
        if (this.stopped || this.everConnected) {
            return;
        }
        long delay = this.retryMillis;
        this.retryMillis = Math.min(this.retryMillis * 2, this.settings.maxReconnectDelay().toMillis());
        this.log.warn("MQTT: {}; trying again in {} ms", this.problem, delay);
        try {
            this.retries.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
        catch (RuntimeException stopping) {
            // stopped meanwhile
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        if (this.stopped) {
            // a connection that was under way when the service stopped
            Thread closing = new Thread(this::close, "mqtt-close");
            closing.setDaemon(true);
            closing.start();
            return;
        }
        this.everConnected = true;
        this.problem = null;
        logger.info("MQTT: connected to {} as {}{}", serverUri, this.client.getClientId(), reconnect ? " again" : "");
        // a clean session: the subscription is made again on every connection
        if (this.settings.discovery()) {
            try {
                this.client.subscribe(this.topics.homeAssistantStatus(), 1);
            }
            catch (MqttException ex) {
                this.log.warn("MQTT: cannot subscribe to {}: {}", this.topics.homeAssistantStatus(), describe(ex));
            }
        }
        this.listener.connected();
    }

    @Override
    public void connectionLost(Throwable cause) {
        this.problem = "connection to " + this.settings.url() + " lost: " + describe(cause);
        this.log.warn("MQTT: {}; reconnecting", this.problem);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        if (topic.equals(this.topics.homeAssistantStatus())
                && "online".equals(new String(message.getPayload(), StandardCharsets.UTF_8).strip())) {
            this.listener.homeAssistantOnline();
        }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // each publish has its own listener
    }

    /**
     * Says {@code offline} (retained) and disconnects, waiting a moment for both; closes
     * the client.
     */
    void stop() {
        this.stopped = true;
        this.options.setAutomaticReconnect(false);
        this.retries.shutdownNow();
        close();
    }

    private void close() {
        try {
            if (this.client.isConnected()) {
                this.client.publish(this.topics.available(), OFFLINE, this.settings.qos(), true)
                    .waitForCompletion(2000);
                this.client.disconnect(1000).waitForCompletion(2000);
            }
        }
        catch (MqttException ex) {
            logger.info("MQTT: while disconnecting: {}", describe(ex));
        }
        try {
            if (this.client.isConnected()) {
                this.client.disconnectForcibly(0, 1000, false);
            }
            this.client.close(true);
        }
        catch (MqttException ex) {
            // a connection under way: closed once it completes (connectComplete)
            logger.info("MQTT: while closing: {}", describe(ex));
        }
    }

    /** What went wrong, in a line: Paho's message, its reason code, and its cause. */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown cause";
        }
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        if (failure instanceof MqttException mqtt) {
            text.append(" (reason ").append(mqtt.getReasonCode()).append(')');
        }
        Throwable cause = failure.getCause();
        if (cause != null && cause != failure) {
            text.append(": ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(' ').append(cause.getMessage());
            }
        }
        return text.toString();
    }

}
