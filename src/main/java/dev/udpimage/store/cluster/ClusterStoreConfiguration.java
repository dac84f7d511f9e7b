package dev.udpimage.store.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.udpimage.recording.EventFootage;
import dev.udpimage.recording.RecordingConditions;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.store.Backends;
import dev.udpimage.store.StoreProperties;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.StoreListener;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster backend ({@code udp.store.backend=cluster}, which the {@code cluster}
 * profile sets): PostgreSQL (Spring Boot's DataSource, Flyway's migrations in
 * {@code db/migration}) and an S3 client for {@code udp.store.s3.*}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(Backends.Cluster.class)
public class ClusterStoreConfiguration {

    @Bean(destroyMethod = "close")
    S3Client s3Client(ClusterProperties properties) {
        ClusterProperties.S3 s3 = properties.s3();
        // no call waits forever on a hung or unreachable object store: each attempt, and
        // the call with its retries, has a deadline, and the retries are bounded
        S3ClientBuilder builder = S3Client.builder()
            .region(Region.of(s3.region()))
            .forcePathStyle(s3.pathStyle())
            .httpClientBuilder(UrlConnectionHttpClient.builder()
                .connectionTimeout(s3.attemptTimeout())
                .socketTimeout(s3.attemptTimeout()))
            .overrideConfiguration(override -> override.apiCallAttemptTimeout(s3.attemptTimeout())
                .apiCallTimeout(s3.callTimeout())
                .retryStrategy(retry -> retry.maxAttempts(s3.maxAttempts())));
        if (!s3.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(s3.endpoint()));
        }
        builder.credentialsProvider(s3.accessKey().isBlank() ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())));
        return builder.build();
    }

    @Bean
    ObjectStore objectStore(S3Client s3Client, ClusterProperties properties) {
        return new ObjectStore(s3Client, properties.s3().bucket(), properties.s3().ifNoneMatch());
    }

    /** {@code objectStore} in {@code /actuator/health}. */
    @Bean
    ObjectStoreHealth objectStoreHealthIndicator(ObjectStore objectStore) {
        return new ObjectStoreHealth(objectStore);
    }

    /** Sealed segments' bytes, the most recently read kept in memory. */
    @Bean
    SegmentObjects segmentObjects(ObjectStore objectStore) {
        return new SegmentObjects(objectStore, StoreProperties.CLUSTER_CACHE_BYTES);
    }

    @Bean
    ClusterStore clusterStore(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segmentObjects,
            JsonMapper json, ObjectProvider<StoreListener> listeners, StoreProperties store, ClusterProperties cluster,
            RecordingProperties recording, CameraKey cameras, MeterRegistry registry) {
        return new ClusterStore(jdbc, transactions, segmentObjects, json, listeners.orderedStream().toList(),
                instanceName(cluster.instance()), store.history(), store.maxBytes().toBytes(), recording.enabled(),
                cameras::cameraOf, registry);
    }

    @Bean
    @Conditional(RecordingConditions.Enabled.class)
    ClusterRecording clusterRecording(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segmentObjects,
            ClusterStore clusterStore, JsonMapper json, RecordingProperties recording, CameraKey cameras) {
        return new ClusterRecording(jdbc, transactions, segmentObjects, clusterStore, json, recording, cameras);
    }

    /** Its reads stream a segment's bytes in batches of rows. */
    @Bean
    @Conditional(RecordingConditions.Enabled.class)
    SegmentSealer segmentSealer(DataSource dataSource, TransactionTemplate transactions, SegmentObjects segmentObjects,
            ClusterStore clusterStore, RecordingProperties recording, ClusterProperties cluster,
            MeterRegistry registry) {
        JdbcTemplate streaming = new JdbcTemplate(dataSource);
        streaming.setFetchSize(16);
        return new SegmentSealer(JdbcClient.create(streaming), transactions, segmentObjects, clusterStore,
                instanceName(cluster.instance()), recording.segmentDuration(), recording.segmentBytes().toBytes(),
                registry);
    }

    @Bean
    @Conditional(RecordingConditions.Enabled.class)
    ClusterRetention clusterRetention(JdbcClient jdbc, TransactionTemplate transactions, SegmentObjects segmentObjects,
            RecordingProperties recording, MeterRegistry registry, ObjectProvider<EventFootage> footage,
            ObjectProvider<ClusterEventStore> events) {
        return new ClusterRetention(jdbc, transactions, segmentObjects, recording, registry, footage, events);
    }

    /**
     * The events' LISTEN connection is its own, outside the pool: a pooled connection
     * that the server killed while it listened would go back to the pool and fail the
     * next save.
     */
    @Bean
    ClusterEvents clusterEvents(DataSourceProperties database, DataSource pool, JdbcClient jdbc,
            ClusterStore clusterStore, ObjectProvider<StoreListener> listeners) {
        DriverManagerDataSource listenConnections = new DriverManagerDataSource(database.determineUrl(),
                database.determineUsername(), database.determinePassword());
        // the pool's driver settings (connect, socket and statement timeouts) hold here
        // too
        if (pool instanceof HikariDataSource hikari) {
            listenConnections.setConnectionProperties(hikari.getDataSourceProperties());
        }
        return new ClusterEvents(listenConnections, jdbc, clusterStore, listeners.orderedStream().toList(),
                clusterStore.instance());
    }

    @Bean
    OrphanSweeper orphanSweeper(ObjectStore objectStore, JdbcClient jdbc, ClusterProperties cluster) {
        return new OrphanSweeper(objectStore, jdbc, cluster.sweepGrace());
    }

    /** Events in PostgreSQL, seen from every instance. */
    @Bean
    ClusterEventStore clusterEventStore(JdbcClient jdbc, ClusterProperties cluster) {
        return new ClusterEventStore(jdbc, instanceName(cluster.instance()));
    }

    /**
     * The sealer, the recording's retention and the orphan sweeper, each every its own
     * interval ({@code udp.recording.seal-interval}, {@code retention-interval},
     * {@code udp.store.sweep-interval}), on Spring's scheduler.
     */
    @Bean
    SchedulingConfigurer clusterSchedules(ObjectProvider<SegmentSealer> sealer,
            ObjectProvider<ClusterRetention> retention, OrphanSweeper sweeper, RecordingProperties recording,
            ClusterProperties cluster) {
        return registrar -> {
            sealer.ifAvailable(it -> registrar.addFixedDelayTask(
                    new FixedDelayTask(it::sealOnSchedule, recording.sealInterval(), recording.sealInterval())));
            retention.ifAvailable(it -> registrar.addFixedDelayTask(new FixedDelayTask(it::enforceOnSchedule,
                    recording.retentionInterval(), recording.retentionInterval())));
            registrar.addFixedDelayTask(
                    new FixedDelayTask(sweeper::sweepOnSchedule, cluster.sweepInterval(), cluster.sweepInterval()));
        };
    }

    /** The configured name, or host name and process id. */
    static String instanceName(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            host = "localhost";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

}
