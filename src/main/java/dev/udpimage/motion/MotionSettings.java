package dev.udpimage.motion;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one camera's motion is detected. {@link #defaults()} is meant for a fixed camera
 * indoors (a Raspberry Pi camera in a room) without tuning.
 *
 * @param enabled whether frames are analysed at all; when not, a detector reports nothing
 * @param sensitivity 1 (least) to 100 (most): sets the per-pixel threshold, the change of
 * luma from the background above which a pixel counts as changed, to
 * {@code 3 + (100 - sensitivity) / 2} grey levels (see {@link #threshold()}): 100 gives
 * 3, 1 gives 52.5. A noisy scene raises the threshold above that on its own (the detector
 * measures the scene's noise), so sensitivity is about the contrast of what should count
 * as motion, not about the camera's noise. Default 60, a threshold of 23 levels: well
 * above what JPEG compression and sensor noise move a pixel of a small (1/8 scale) image
 * of a still scene, and below the contrast of a person against a room's walls and
 * furniture
 * @param minArea the fraction of the frame (0..1) that the changed pixels of one moving
 * region must cover for it to count; regions are changed pixels joined by a one-pixel gap
 * (a 3x3 dilation). Default 0.002: 10 pixels of 80x60, 29 of 160x90, far more than a few
 * scattered noisy pixels make and less than a person across a room
 * @param masks parts of the frame where nothing counts: changes there are ignored (a
 * clock, a television, a window onto a street). Default none
 * @param zones named parts of the frame, in order; an event says which zones its moving
 * regions touched. At most 64. Default none
 * @param minFrames how many consecutive frames with motion start an event: one or two
 * frames of a decoding glitch, a flash or an insect do not. Default 3 (0.12 s at 25 fps,
 * 0.6 s at 5 fps)
 * @param postCapture how long without motion ends an event: short pauses (someone
 * standing still for a moment) stay one event. Default 5 s
 * @param lightswitch the fraction of the frame's unmasked pixels (0..1) which, when they
 * change at once, mean a global change (lights switched on or off, the camera's exposure
 * or infrared mode switching) rather than motion: the detector then takes the frame as
 * its new background instead of reporting motion. Default 0.8: a person close to the
 * camera can cover half the frame, a light switch changes nearly all of it
 */
public record MotionSettings(boolean enabled, int sensitivity, double minArea, List<Polygon> masks,
        Map<String, Polygon> zones, int minFrames, Duration postCapture, double lightswitch) {

    /** The most zones one camera can have. */
    public static final int MAX_ZONES = 64;

    /**
     * Checks the settings and copies the collections (the zones keep their order).
     * @throws IllegalArgumentException if a value is out of its range
     */
    public MotionSettings {
        if (sensitivity < 1 || sensitivity > 100) {
            throw new IllegalArgumentException("sensitivity goes from 1 to 100, not " + sensitivity);
        }
        if (!(minArea >= 0 && minArea <= 1)) {
            throw new IllegalArgumentException("minArea is a fraction of the frame, 0 to 1, not " + minArea);
        }
        if (minFrames < 1) {
            throw new IllegalArgumentException("minFrames is at least 1, not " + minFrames);
        }
        if (postCapture == null || postCapture.isNegative()) {
            throw new IllegalArgumentException("postCapture is a duration of 0 or more, not " + postCapture);
        }
        if (!(lightswitch > 0 && lightswitch <= 1)) {
            throw new IllegalArgumentException(
                    "lightswitch is a fraction of the frame, above 0 up to 1, not " + lightswitch);
        }
        masks = List.copyOf(Objects.requireNonNull(masks, "masks"));
        if (Objects.requireNonNull(zones, "zones").size() > MAX_ZONES) {
            throw new IllegalArgumentException("at most " + MAX_ZONES + " zones, not " + zones.size());
        }
        LinkedHashMap<String, Polygon> ordered = new LinkedHashMap<>();
        zones.forEach((name, polygon) -> {
            if (name == null || name.isBlank() || polygon == null) {
                throw new IllegalArgumentException("a zone needs a name and a polygon, not " + name + "=" + polygon);
            }
            ordered.put(name, polygon);
        });
        zones = Collections.unmodifiableMap(ordered);
    }

    /**
     * The defaults: enabled, sensitivity 60, minArea 0.002, 3 frames, 5 s, lightswitch
     * 0.8.
     */
    public static MotionSettings defaults() {
        return new MotionSettings(true, 60, 0.002, List.of(), Map.of(), 3, Duration.ofSeconds(5), 0.8);
    }

    /**
     * The per-pixel threshold that {@link #sensitivity()} sets, in grey levels:
     * {@code 3 + (100 - sensitivity) / 2}.
     */
    public double threshold() {
        return 3 + (100 - this.sensitivity) / 2.0;
    }

    /** These settings with {@link #enabled()} changed. */
    public MotionSettings withEnabled(boolean enabled) {
        return new MotionSettings(enabled, this.sensitivity, this.minArea, this.masks, this.zones, this.minFrames,
                this.postCapture, this.lightswitch);
    }

    /** These settings with {@link #sensitivity()} changed. */
    public MotionSettings withSensitivity(int sensitivity) {
        return new MotionSettings(this.enabled, sensitivity, this.minArea, this.masks, this.zones, this.minFrames,
                this.postCapture, this.lightswitch);
    }

    /** These settings with {@link #minArea()} changed. */
    public MotionSettings withMinArea(double minArea) {
        return new MotionSettings(this.enabled, this.sensitivity, minArea, this.masks, this.zones, this.minFrames,
                this.postCapture, this.lightswitch);
    }

    /** These settings with {@link #masks()} changed. */
    public MotionSettings withMasks(List<Polygon> masks) {
        return new MotionSettings(this.enabled, this.sensitivity, this.minArea, masks, this.zones, this.minFrames,
                this.postCapture, this.lightswitch);
    }

    /**
     * These settings with {@link #zones()} changed; the map's iteration order is kept.
     */
    public MotionSettings withZones(Map<String, Polygon> zones) {
        return new MotionSettings(this.enabled, this.sensitivity, this.minArea, this.masks, zones, this.minFrames,
                this.postCapture, this.lightswitch);
    }

    /** These settings with {@link #minFrames()} changed. */
    public MotionSettings withMinFrames(int minFrames) {
        return new MotionSettings(this.enabled, this.sensitivity, this.minArea, this.masks, this.zones, minFrames,
                this.postCapture, this.lightswitch);
    }

    /** These settings with {@link #postCapture()} changed. */
    public MotionSettings withPostCapture(Duration postCapture) {
        return new MotionSettings(this.enabled, this.sensitivity, this.minArea, this.masks, this.zones, this.minFrames,
                postCapture, this.lightswitch);
    }

    /** These settings with {@link #lightswitch()} changed. */
    public MotionSettings withLightswitch(double lightswitch) {
        return new MotionSettings(this.enabled, this.sensitivity, this.minArea, this.masks, this.zones, this.minFrames,
                this.postCapture, lightswitch);
    }

}
