package dev.udpimage.recording;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.udpimage.recording.retention.RetentionPolicy;

/**
 * The recording ({@code udp.recording.*}): every stored image appended to its camera's
 * segments (a camera as {@code udp.streams.key} defines it), every list to its sender's
 * lists. Retention deletes whole segments, oldest first.
 *
 * @param enabled record (file backend with a store directory, or the cluster)
 * @param segmentDuration a camera's open segment is sealed when its first frame is this
 * old; also the gap after which a new frame starts a new segment
 * @param segmentBytes ...or when it holds this many bytes
 * @param retention segments whose last frame is older are deleted
 * @param maxBytes most bytes all cameras' segments take together (oldest deleted first)
 * @param minFree free space the disk keeps (file backend): below it the oldest segments
 * of any camera are deleted, whatever the other bounds allow
 * @param maxCameras most cameras recorded at once: a flood of senders from addresses of
 * their own cannot grow the recording's state without bound; frames of a camera beyond it
 * are stored and answered but not recorded (counted, logged) until retention empties a
 * camera
 * @param cameras per-camera overrides of {@code retention} and {@code max-bytes}, keyed
 * by the camera ({@code udp.recording.cameras[192.168.1.20].retention=1d})
 * @param sealInterval how often the cluster looks for segments due to be sealed into an
 * object
 * @param retentionInterval how often retention runs (the file backend also enforces the
 * byte bounds whenever it seals a segment, and the free-space floor every second)
 * @param eventsRetention segments an event overlaps (with its pre- and post-capture) are
 * kept this long, if longer than {@code retention}; the byte bounds and the free-space
 * floor still win
 */
@Validated
@ConfigurationProperties("udp.recording")
public record RecordingProperties(@DefaultValue("true") boolean enabled,
        @DefaultValue("1m") @NotNull Duration segmentDuration, @DefaultValue("64MB") @NotNull DataSize segmentBytes,
        @DefaultValue("7d") @NotNull Duration retention, @DefaultValue("20GB") @NotNull DataSize maxBytes,
        @DefaultValue("5GB") @NotNull DataSize minFree, @DefaultValue("1024") @Min(1) int maxCameras,
        @DefaultValue @NotNull Map<String, Camera> cameras, @DefaultValue("1s") @NotNull Duration sealInterval,
        @DefaultValue("5s") @NotNull Duration retentionInterval,
        @DefaultValue("30d") @NotNull Duration eventsRetention) {

    @AssertTrue(
            message = "udp.recording.segment-duration must be at least 1s and udp.recording.segment-bytes at least 1MB")
    boolean isSegmentLargeEnough() {
        return this.segmentDuration.toMillis() >= 1000 && this.segmentBytes.toBytes() >= (1 << 20);
    }

    @AssertTrue(message = "udp.recording.seal-interval and udp.recording.retention-interval must be between 100ms "
            + "and 1h")
    boolean isIntervalSane() {
        return within(this.sealInterval) && within(this.retentionInterval);
    }

    private static boolean within(Duration interval) {
        return interval.toMillis() >= 100 && interval.compareTo(Duration.ofHours(1)) <= 0;
    }

    /** The retention in force for a camera. */
    public Duration retentionOf(String camera) {
        Camera own = this.cameras.get(camera);
        return own != null && own.retention() != null ? own.retention() : this.retention;
    }

    /** How long a camera's segments under an event are kept. */
    public Duration eventsRetentionOf(String camera) {
        Camera own = this.cameras.get(camera);
        return own != null && own.eventsRetention() != null ? own.eventsRetention() : this.eventsRetention;
    }

    /** The byte bound in force for a camera's own segments; null: only the total. */
    public DataSize maxBytesOf(String camera) {
        Camera own = this.cameras.get(camera);
        return own != null ? own.maxBytes() : null;
    }

    /** The bounds retention enforces. */
    public RetentionPolicy.Bounds retentionBounds() {
        return new RetentionPolicy.Bounds() {

            @Override
            public Duration retentionOf(String camera) {
                return RecordingProperties.this.retentionOf(camera);
            }

            @Override
            public Long maxBytesOf(String camera) {
                DataSize own = RecordingProperties.this.maxBytesOf(camera);
                return own == null ? null : own.toBytes();
            }

            @Override
            public long maxBytes() {
                return RecordingProperties.this.maxBytes.toBytes();
            }

            @Override
            public Duration eventsRetentionOf(String camera) {
                return RecordingProperties.this.eventsRetentionOf(camera);
            }

        };
    }

    /**
     * @param retention this camera's segments whose last frame is older are deleted
     * @param maxBytes most bytes this camera's segments take
     * @param eventsRetention this camera's segments under an event are kept this long
     */
    public record Camera(Duration retention, DataSize maxBytes, Duration eventsRetention) {
    }

}
