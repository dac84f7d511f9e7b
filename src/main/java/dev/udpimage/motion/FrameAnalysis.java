package dev.udpimage.motion;

import java.util.List;

/**
 * What one frame showed, compared with the background.
 *
 * @param moving whether a moving region at least {@link MotionSettings#minArea()} large
 * was found outside the masks
 * @param score the fraction of the frame's unmasked pixels that changed, counting only
 * the moving regions; 0 when not moving
 * @param box the smallest box around the moving regions' changed pixels; null when not
 * moving
 * @param zones the names of the zones that a moving region's changed pixel is in, in the
 * settings' order; empty when not moving
 * @param calibration what the background did with the frame
 * @param threshold the per-pixel threshold used, in grey levels: the settings' threshold,
 * or more in a noisy scene
 */
public record FrameAnalysis(boolean moving, double score, Box box, List<String> zones, Calibration calibration,
        double threshold) {

    public FrameAnalysis {
        zones = List.copyOf(zones);
    }

    /** A frame without motion. */
    static FrameAnalysis still(Calibration calibration, double threshold) {
        return new FrameAnalysis(false, 0, null, List.of(), calibration, threshold);
    }

    /** What the background did with a frame. */
    public enum Calibration {

        /** The frame was compared with the background, which then learnt from it. */
        READY,

        /**
         * The background was reset less than a second ago: it learns the scene fast (the
         * camera's exposure may still be settling), and no motion is reported.
         */
        SETTLING,

        /** The detector's first frame: the background starts from it. */
        FIRST_FRAME,

        /**
         * The frame's size differs from the previous frame's: the background starts
         * again.
         */
        NEW_SIZE,

        /** The frame came long after the previous one: the background starts again. */
        AFTER_GAP,

        /**
         * More than {@link MotionSettings#lightswitch()} of the frame changed at once:
         * the frame is the new background, and no motion is reported.
         */
        LIGHTSWITCH;

        /** Whether the background was reset to this frame. */
        public boolean reset() {
            return this != READY && this != SETTLING;
        }

    }

}
