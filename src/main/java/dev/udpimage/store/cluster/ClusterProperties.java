package dev.udpimage.store.cluster;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The cluster backend's own settings ({@code udp.store.*} beside the store's).
 *
 * @param instance this instance's name in the cluster store (which instance received an
 * item); empty: host name and process id
 * @param s3 the object storage
 * @param sweepGrace objects that no committed row names are deleted once they are this
 * old (a PUT whose row never committed)
 * @param sweepInterval how often those objects are looked for
 */
@Validated
@ConfigurationProperties("udp.store")
public record ClusterProperties(@DefaultValue("") String instance, @DefaultValue @Valid S3 s3,
        @DefaultValue("10m") @NotNull Duration sweepGrace, @DefaultValue("5m") @NotNull Duration sweepInterval) {

    /**
     * S3-compatible object storage (AWS, MinIO, Ceph, S3Mock), {@code udp.store.s3.*}.
     *
     * @param endpoint the server; empty: AWS's own for the region
     * @param region the region to sign for
     * @param bucket where image bytes go (made at start if missing)
     * @param accessKey the access key; empty: the AWS SDK's default credentials chain
     * @param secretKey its secret
     * @param pathStyle path-style addressing ({@code endpoint/bucket/key}), as MinIO and
     * Ceph want
     * @param ifNoneMatch send {@code If-None-Match: *} with each PUT, so that no object
     * is ever overwritten (where the server supports conditional writes)
     * @param attemptTimeout longest one request may take (connecting, and waiting for
     * each read)
     * @param callTimeout longest a call may take with all its attempts
     * @param maxAttempts attempts per call (the first and its retries)
     */
    public record S3(@DefaultValue("") String endpoint, @DefaultValue("us-east-1") @NotBlank String region,
            @DefaultValue("udp-images") @NotBlank String bucket, @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey, @DefaultValue("true") boolean pathStyle,
            @DefaultValue("true") boolean ifNoneMatch, @DefaultValue("3s") @NotNull Duration attemptTimeout,
            @DefaultValue("10s") @NotNull Duration callTimeout, @DefaultValue("3") @Min(1) int maxAttempts) {
    }

}
