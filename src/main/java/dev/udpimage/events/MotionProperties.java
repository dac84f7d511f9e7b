package dev.udpimage.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.udpimage.motion.MotionSettings;
import dev.udpimage.motion.Polygon;

/**
 * Motion detection ({@code udp.motion.*}): every camera's frames analysed off the receive
 * path, events opened and ended from what moves. The defaults suit a Raspberry Pi camera
 * indoors without tuning.
 *
 * @param enabled analyse every camera's frames (each camera may turn it off)
 * @param preCapture how much before an event's first moving frame its clip starts, and
 * its footage is kept longer
 * @param postCapture no motion for this long ends an event; its clip goes on this long
 * after its last moving frame
 * @param sensitivity 1 to 100: the per-pixel threshold is {@code 3 + (100 - s) / 2} grey
 * levels, raised by the scene's own noise
 * @param minArea the smallest moving region that counts, as a fraction of the frame
 * @param minFrames consecutive frames with motion that open an event
 * @param lightswitch a change over this fraction of the frame is the light changing, not
 * motion: the background starts over
 * @param maxFps most frames a second analysed per camera; more are skipped (counted)
 * @param maxCameras most cameras analysed at once (each holds its background, up to 768
 * KB, counted by the start-up heap check); a camera beyond it is not analysed (counted)
 * @param cameras per-camera settings, keyed by the camera
 * ({@code udp.motion.cameras[192.168.1.20].zones.door=0.1,0.2 0.4,0.2 0.4,0.9})
 */
@Validated
@ConfigurationProperties("udp.motion")
public record MotionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("5s") @NotNull Duration preCapture,
        @DefaultValue("5s") @NotNull Duration postCapture, @DefaultValue("60") @Min(1) @Max(100) int sensitivity,
        @DefaultValue("0.002") double minArea, @DefaultValue("3") @Min(1) int minFrames,
        @DefaultValue("0.8") double lightswitch, @DefaultValue("30") @Min(1) @Max(1000) int maxFps,
        @DefaultValue("16") @Min(1) int maxCameras, @DefaultValue @NotNull Map<String, Camera> cameras) {

    public MotionProperties {
        // the detector's own checks, with its own messages, at start-up
        new MotionSettings(enabled, sensitivity, minArea, List.of(), Map.of(), minFrames, postCapture, lightswitch);
        if (preCapture.isNegative()) {
            throw new IllegalArgumentException("udp.motion.pre-capture must not be negative");
        }
    }

    /** A camera's settings: its own where it has them, the defaults elsewhere. */
    public MotionSettings of(String camera) {
        Camera own = this.cameras.getOrDefault(camera, Camera.NONE);
        List<Polygon> masks = new ArrayList<>();
        own.masks().forEach(mask -> masks.add(Polygon.parse(mask)));
        Map<String, Polygon> zones = new LinkedHashMap<>();
        own.zones().forEach((name, zone) -> zones.put(name, Polygon.parse(zone)));
        return new MotionSettings(this.enabled && (own.enabled() == null || own.enabled()),
                own.sensitivity() != null ? own.sensitivity() : this.sensitivity,
                own.minArea() != null ? own.minArea() : this.minArea, masks, zones, this.minFrames,
                own.postCapture() != null ? own.postCapture() : this.postCapture, this.lightswitch);
    }

    /** A camera's pre-capture. */
    public Duration preCaptureOf(String camera) {
        Camera own = this.cameras.get(camera);
        return own != null && own.preCapture() != null ? own.preCapture() : this.preCapture;
    }

    /** A camera's post-capture. */
    public Duration postCaptureOf(String camera) {
        Camera own = this.cameras.get(camera);
        return own != null && own.postCapture() != null ? own.postCapture() : this.postCapture;
    }

    /**
     * One camera's own settings; each one left out is the default's.
     *
     * @param enabled analyse this camera
     * @param sensitivity its own sensitivity
     * @param minArea its own smallest region
     * @param masks areas never analysed: polygons {@code x,y x,y x,y ...} in coordinates
     * relative to the frame (0..1, origin top left)
     * @param zones named areas an event says it touched, polygons as the masks are
     * @param preCapture its own pre-capture
     * @param postCapture its own post-capture
     */
    public record Camera(Boolean enabled, Integer sensitivity, Double minArea, List<String> masks,
            Map<String, String> zones, Duration preCapture, Duration postCapture) {

        static final Camera NONE = new Camera(null, null, null, List.of(), Map.of(), null, null);

        public Camera {
            masks = masks == null ? List.of() : List.copyOf(masks);
            zones = zones == null ? Map.of() : new LinkedHashMap<>(zones);
            // a polygon that does not parse fails the start, saying which and why
            masks.forEach(Polygon::parse);
            zones.values().forEach(Polygon::parse);
        }

    }

}
