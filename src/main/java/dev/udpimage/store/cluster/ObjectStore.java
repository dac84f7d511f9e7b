package dev.udpimage.store.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Segments (and, from before the recording, single images) in one bucket of S3-compatible
 * storage (AWS SDK v2). Objects are written once, under keys that never collide
 * ({@link ObjectKeys}), with {@code If-None-Match: *} where the server supports
 * conditional writes, and never changed.
 */
class ObjectStore {

    private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);

    private final S3Client s3;

    private final String bucket;

    private final boolean ifNoneMatch;

    ObjectStore(S3Client s3, String bucket, boolean ifNoneMatch) {
        this.s3 = s3;
        this.bucket = bucket;
        this.ifNoneMatch = ifNoneMatch;
    }

    /** How long {@link #problem()} waits for the server. */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

    String bucket() {
        return this.bucket;
    }

    /**
     * What is wrong with the bucket now, from a HEAD of it; {@code null} when it answers.
     */
    String problem() {
        try {
            this.s3.headBucket(request -> request.bucket(this.bucket)
                .overrideConfiguration(config -> config.apiCallTimeout(HEALTH_TIMEOUT)));
            return null;
        }
        catch (SdkException ex) {
            return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
        }
    }

    /** Makes the bucket if it is missing. */
    void ensureBucket() {
        try {
            this.s3.headBucket(request -> request.bucket(this.bucket));
        }
        catch (NoSuchBucketException ex) {
            this.s3.createBucket(request -> request.bucket(this.bucket));
            log.info("Created the bucket {}", this.bucket);
        }
        catch (S3Exception ex) {
            if (ex.statusCode() != 404) {
                throw ex;
            }
            this.s3.createBucket(request -> request.bucket(this.bucket));
            log.info("Created the bucket {}", this.bucket);
        }
    }

    void put(String key, byte[] bytes, String contentType) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
            .bucket(this.bucket)
            .key(key)
            .contentType(contentType);
        if (this.ifNoneMatch) {
            request.ifNoneMatch("*");
        }
        this.s3.putObject(request.build(), RequestBody.fromBytes(bytes));
    }

    byte[] get(String key) {
        return this.s3.getObjectAsBytes(request -> request.bucket(this.bucket).key(key)).asByteArray();
    }

    /** {@code length} bytes of an object from {@code offset}. */
    byte[] getRange(String key, long offset, int length) {
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        byte[] bytes = this.s3.getObjectAsBytes(request -> request.bucket(this.bucket).key(key).range(range))
            .asByteArray();
        if (bytes.length != length) {
            throw new IllegalStateException(key + " answered " + bytes.length + " bytes for " + range);
        }
        return bytes;
    }

    void delete(List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000))
                .stream()
                .map(key -> ObjectIdentifier.builder().key(key).build())
                .toList();
            this.s3
                .deleteObjects(request -> request.bucket(this.bucket).delete(Delete.builder().objects(batch).build()));
        }
    }

    /** Keys under {@code prefix} last modified before {@code before}. */
    List<String> keysOlderThan(String prefix, Instant before) {
        List<String> keys = new ArrayList<>();
        for (S3Object object : this.s3.listObjectsV2Paginator(request -> request.bucket(this.bucket).prefix(prefix))
            .contents()) {
            if (object.lastModified().isBefore(before)) {
                keys.add(object.key());
            }
        }
        return keys;
    }

}
