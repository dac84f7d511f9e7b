package dev.udpimage.motion;

import java.util.Arrays;

/**
 * A histogram of luma differences, -255..255 in steps of one level, and the robust
 * statistics the background needs from it: the median (the frame's overall shift), the
 * median absolute difference (the noise), and how many differ by more than a threshold.
 */
final class Differences {

    private final int[] counts = new int[511];

    private int total;

    /** Empties the histogram. */
    void clear() {
        Arrays.fill(this.counts, 0);
        this.total = 0;
    }

    /** Counts a difference, rounded to the nearest level; it must be within -255..255. */
    void add(float difference) {
        // + 255.5 and truncation: rounding, for the differences -255..255
        this.counts[(int) (difference + 255.5f)]++;
        this.total++;
    }

    /** How many differences were counted. */
    int total() {
        return this.total;
    }

    /** The median, interpolated within its level; 0 when empty. */
    double median() {
        if (this.total == 0) {
            return 0;
        }
        int half = (this.total + 1) / 2;
        int cumulative = 0;
        int bin = 0;
        while (cumulative + this.counts[bin] < half) {
            cumulative += this.counts[bin++];
        }
        return bin - 255 - 0.5 + (half - cumulative) / (double) this.counts[bin];
    }

    /**
     * The median of the differences' absolute values, interpolated likewise; 0 when
     * empty.
     */
    double medianAbsolute() {
        if (this.total == 0) {
            return 0;
        }
        int half = (this.total + 1) / 2;
        int within = this.counts[255];
        if (within >= half) {
            // the middle level holds |difference| 0..0.5
            return 0.5 * half / within;
        }
        for (int radius = 1; radius <= 255; radius++) {
            int ring = this.counts[255 - radius] + this.counts[255 + radius];
            if (within + ring >= half) {
                // the levels at this radius hold |difference| radius-0.5..radius+0.5
                return radius - 0.5 + (half - within) / (double) ring;
            }
            within += ring;
        }
        return 255;
    }

    /**
     * The fraction of the differences whose absolute value is above {@code threshold}.
     */
    double fractionBeyond(double threshold) {
        if (this.total == 0) {
            return 0;
        }
        int beyond = 0;
        for (int d = (int) Math.floor(threshold) + 1; d <= 255; d++) {
            beyond += this.counts[255 + d] + this.counts[255 - d];
        }
        return beyond / (double) this.total;
    }

}
