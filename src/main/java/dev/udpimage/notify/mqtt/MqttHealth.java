package dev.udpimage.notify.mqtt;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the broker is connected: {@code mqtt} in {@code /actuator/health}, DOWN with
 * why while it is not. It is in no probe group: a broker that is away costs only its own
 * messages (buffered, within {@code udp.mqtt.max-queued}), never a frame, so it must not
 * make the receiver unready.
 */
class MqttHealth implements HealthIndicator {

    private final MqttNotifier notifier;

    MqttHealth(MqttNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public Health health() {
        MqttNotifier.Status status = this.notifier.status();
        Health.Builder health = (status.problem() == null) ? Health.up()
                : Health.down().withDetail("reason", status.problem());
        return health.withDetail("broker", status.broker())
            .withDetail("clientId", status.clientId())
            .withDetail("queued", status.queued())
            .withDetail("snapshotBytes", status.snapshotBytes())
            .build();
    }

}
