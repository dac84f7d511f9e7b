package dev.udpimage.motion;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The settings' masks and zones rasterised for one frame size: which pixels are ignored,
 * and which zones each pixel is in (one bit per zone, in the settings' order).
 */
final class SceneMasks {

    final int width;

    final int height;

    /** 1 where a mask covers the pixel, 0 elsewhere. */
    final byte[] ignored;

    /** Bit {@code z} set where the pixel is in zone {@code z}; null without zones. */
    final long[] zoneBits;

    /** How many pixels no mask covers. */
    final int unmasked;

    private final String[] zoneNames;

    SceneMasks(MotionSettings settings, int width, int height) {
        this.width = width;
        this.height = height;
        int n = width * height;
        this.ignored = new byte[n];
        for (Polygon mask : settings.masks()) {
            boolean[] inside = mask.rasterise(width, height);
            for (int i = 0; i < n; i++) {
                if (inside[i]) {
                    this.ignored[i] = 1;
                }
            }
        }
        int free = 0;
        for (int i = 0; i < n; i++) {
            free += 1 - this.ignored[i];
        }
        this.unmasked = free;
        this.zoneNames = settings.zones().keySet().toArray(String[]::new);
        if (this.zoneNames.length == 0) {
            this.zoneBits = null;
        }
        else {
            this.zoneBits = new long[n];
            int z = 0;
            for (Map.Entry<String, Polygon> zone : settings.zones().entrySet()) {
                boolean[] inside = zone.getValue().rasterise(width, height);
                for (int i = 0; i < n; i++) {
                    if (inside[i]) {
                        this.zoneBits[i] |= 1L << z;
                    }
                }
                z++;
            }
        }
    }

    /** The names of the zones whose bits are set, in the settings' order. */
    List<String> names(long bits) {
        if (bits == 0) {
            return List.of();
        }
        List<String> names = new ArrayList<>(Long.bitCount(bits));
        for (int z = 0; z < this.zoneNames.length; z++) {
            if ((bits & (1L << z)) != 0) {
                names.add(this.zoneNames[z]);
            }
        }
        return names;
    }

}
