package dev.udpimage.support;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The settings of a cluster-store test context: this machine's PostgreSQL and S3Mock
 * (started once for the whole run), a database and a bucket of its own, ephemeral UDP
 * ports on loopback, and whatever the test adds.
 */
public final class LocalClusterStore {

    private LocalClusterStore() {
    }

    /** For a {@code @DynamicPropertySource} method. */
    public static void register(DynamicPropertyRegistry registry, Map<String, String> more) throws Exception {
        Map<String, String> settings = new HashMap<>(
                Map.of("spring.datasource.url", LocalPostgres.get().newDatabase(), "udp.store.s3.endpoint",
                        LocalS3.get().endpoint(), "udp.store.s3.bucket", "udp-images-" + UUID.randomUUID(),
                        "udp.image-port", "0", "udp.list-port", "0", "udp.bind-address", "127.0.0.1"));
        settings.putAll(more);
        settings.forEach((name, value) -> registry.add(name, () -> value));
    }

}
