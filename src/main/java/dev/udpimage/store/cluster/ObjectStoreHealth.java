package dev.udpimage.store.cluster;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the cluster store's bucket answers now: {@code objectStore} in
 * {@code /actuator/health} (beside PostgreSQL's {@code db}), DOWN with what the client
 * said when a HEAD of the bucket fails or takes longer than
 * {@link ObjectStore#HEALTH_TIMEOUT}. Image bytes go there before their row commits, so
 * while it is DOWN images are refused ({@code error: store unavailable}, or
 * {@code error: store busy} while the workers wait on it).
 */
class ObjectStoreHealth implements HealthIndicator {

    private final ObjectStore objectStore;

    ObjectStoreHealth(ObjectStore objectStore) {
        this.objectStore = objectStore;
    }

    @Override
    public Health health() {
        String problem = this.objectStore.problem();
        Health.Builder health = (problem == null) ? Health.up() : Health.down().withDetail("reason", problem);
        return health.withDetail("bucket", this.objectStore.bucket()).build();
    }

}
