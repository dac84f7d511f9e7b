package dev.udpimage.motion;

import java.util.Arrays;

/**
 * The scene without what moves in it: a running average of luma per pixel, and what a
 * frame's differences from it say about the scene as a whole.
 *
 * <ul>
 * <li>Learning follows time, not frames: a pixel moves towards each frame by
 * {@code 1 - exp(-dt / tau)} of the difference, so the background forgets at the same
 * pace at 5 fps and at 30 fps.</li>
 * <li>Global light: each frame is first matched to the background by a straight line,
 * {@code frame = gain * background + offset}, fitted to the pixels that agree with the
 * median difference (so to the still part of the scene, whatever covers less than half of
 * it); pixels are compared with the background mapped by that line (clipped to 0..255, so
 * that a pixel the new gain saturates is not a change), and the whole background follows
 * the line at once. Daylight drifting, and a camera's exposure or gain adjusting, never
 * show as changed pixels.</li>
 * <li>Noise: 1.4826 times the median absolute deviation of the differences (of the
 * sampled pixels) estimates the sensor's and the codec's noise (their standard deviation,
 * for Gaussian noise), smoothed over {@value #NOISE_SECONDS} s; the caller sets its
 * threshold from it.</li>
 * <li>A changed pixel is not learnt from (what moves does not smear into the background),
 * until it has been changed for {@value #ACCEPT_SECONDS} s without a break: then the
 * frame's value becomes the background's (an object that stopped, or a chair moved, is
 * part of the scene from then on). An unchanged pixel learns with a time constant of
 * {@value #STATIC_SECONDS} s, which follows local light changes (a patch of sun).</li>
 * <li>After a reset the background learns every pixel fast, with a time constant of
 * {@value #SETTLE_TAU_SECONDS} s, for {@value #SETTLE_SECONDS} s ({@link #settling}): the
 * reset frame's own noise averages out and a camera's exposure can settle.</li>
 * </ul>
 */
final class BackgroundModel {

    static final double STATIC_SECONDS = 2;

    static final double ACCEPT_SECONDS = 10;

    static final double NOISE_SECONDS = 2;

    static final double SETTLE_SECONDS = 1;

    static final double SETTLE_TAU_SECONDS = 0.2;

    /** About how many pixels {@link #match} samples. */
    static final int SAMPLES = 512;

    private static final double MAD_TO_SIGMA = 1.4826;

    /** Gains beyond this range (either way) are not a light change the line follows. */
    private static final double MAX_GAIN = 2;

    private final float[] mean;

    /** Seconds each pixel has been changed without a break. */
    private final float[] changedFor;

    /** The sampled pixels' differences from the background. */
    private final Differences differences = new Differences();

    /** {@link #match} and {@link #measureNoise} sample every step-th pixel. */
    private final int step;

    private float gain = 1;

    private float offset;

    private double noise = -1;

    private long settleUntil;

    private int firstChanged = -1;

    private int lastChanged = -1;

    BackgroundModel(int pixels) {
        this.mean = new float[pixels];
        this.changedFor = new float[pixels];
        this.step = Math.max(1, pixels / SAMPLES);
    }

    /**
     * Starts again from {@code frame}, and settles until a second after {@code micros}.
     */
    void reset(byte[] frame, long micros) {
        for (int i = 0; i < this.mean.length; i++) {
            this.mean[i] = frame[i] & 0xff;
        }
        Arrays.fill(this.changedFor, 0);
        this.gain = 1;
        this.offset = 0;
        this.settleUntil = micros + (long) (SETTLE_SECONDS * 1_000_000);
    }

    /** Whether the background was reset less than {@value #SETTLE_SECONDS} s before. */
    boolean settling(long micros) {
        return micros < this.settleUntil;
    }

    /**
     * Matches {@code frame} to the background: fits the line ({@link #gain()},
     * {@link #offset()}) that maps the background's luma to the frame's. Only every
     * {@code step}-th pixel is sampled (about {@value #SAMPLES} of them): a light change
     * shows in every part of the frame.
     * @param ignored 1 for the pixels that do not count
     * @param threshold the per-pixel threshold, in levels
     * @return the fraction of the unmasked pixels that differ from the background by more
     * than {@code threshold} before the line is applied; 0 if all are masked
     */
    double match(byte[] frame, byte[] ignored, double threshold) {
        Differences differences = this.differences;
        differences.clear();
        float[] mean = this.mean;
        for (int i = 0; i < frame.length; i += this.step) {
            if (ignored[i] == 0) {
                differences.add((frame[i] & 0xff) - mean[i]);
            }
        }
        this.gain = 1;
        this.offset = 0;
        if (differences.total() > 0) {
            fitLine(frame, ignored, (float) differences.median(), (float) threshold, differences.total());
        }
        return differences.fractionBeyond(threshold);
    }

    /**
     * Least squares over the sampled pixels whose difference is within {@code threshold}
     * of the median: the still scene, under the old light or the new. A scene too flat to
     * tell a gain from an offset (or a fit beyond {@value #MAX_GAIN} times either way)
     * keeps the gain at 1 and the median as the offset.
     */
    private void fitLine(byte[] frame, byte[] ignored, float median, float threshold, int samples) {
        float[] mean = this.mean;
        double sb = 0;
        double sf = 0;
        double sbb = 0;
        double sbf = 0;
        int n = 0;
        for (int i = 0; i < frame.length; i += this.step) {
            float b = mean[i];
            float f = frame[i] & 0xff;
            float d = f - b - median;
            if (ignored[i] == 0 && d <= threshold && d >= -threshold) {
                sb += b;
                sf += f;
                sbb += b * b;
                sbf += b * f;
                n++;
            }
        }
        this.offset = median;
        if (n < Math.max(8, samples / 20)) {
            return;
        }
        double varB = sbb - sb * sb / n;
        if (varB < 4.0 * n) {
            // the background's luma spreads by less than 2 levels: no slope to see
            this.offset = (float) ((sf - sb) / n);
            return;
        }
        double g = (sbf - sb * sf / n) / varB;
        if (g > MAX_GAIN || g < 1 / MAX_GAIN) {
            return;
        }
        this.gain = (float) g;
        this.offset = (float) ((sf - g * sb) / n);
    }

    /** The last matched frame's gain over the background. */
    float gain() {
        return this.gain;
    }

    /** The last matched frame's offset over the background, after the gain. */
    float offset() {
        return this.offset;
    }

    /**
     * The scene's noise: an estimate of the differences' standard deviation, in levels.
     */
    double noise() {
        return Math.max(this.noise, 0);
    }

    /**
     * Learns the scene's noise from the differences of the sampled unmasked pixels from
     * the background, after the last {@link #match}'s line.
     * @param seconds the time since the previous frame
     */
    void measureNoise(byte[] frame, byte[] ignored, double seconds) {
        Differences differences = this.differences;
        differences.clear();
        float[] mean = this.mean;
        float g = this.gain;
        float o = this.offset;
        for (int i = 0; i < frame.length; i += this.step) {
            if (ignored[i] == 0) {
                differences.add((frame[i] & 0xff) - clamp(g * mean[i] + o));
            }
        }
        if (differences.total() > 0) {
            double sigma = MAD_TO_SIGMA * differences.medianAbsolute();
            this.noise = (this.noise < 0) ? sigma
                    : this.noise + (sigma - this.noise) * learningRate(seconds, NOISE_SECONDS);
        }
    }

    /**
     * Compares {@code frame} with the background, after the last {@link #match}'s line,
     * and learns from it: marks the unmasked pixels that differ by more than
     * {@code threshold}, moves the background to the line, then towards the frame where
     * nothing changed (and where a change has lasted {@value #ACCEPT_SECONDS} s).
     * @param changed set to 1 for the changed pixels, 0 for the others
     * @param seconds the time since the previous frame
     * @return how many pixels changed; {@link #firstChanged()} and {@link #lastChanged()}
     * say where they are
     */
    int update(byte[] frame, byte[] ignored, double threshold, byte[] changed, double seconds) {
        float[] mean = this.mean;
        float[] changedFor = this.changedFor;
        float t = (float) threshold;
        float g = this.gain;
        float o = this.offset;
        float alpha = (float) learningRate(seconds, STATIC_SECONDS);
        float dt = (float) seconds;
        float accept = (float) ACCEPT_SECONDS;
        int count = 0;
        int first = -1;
        int last = -1;
        for (int i = 0; i < frame.length; i++) {
            float f = frame[i] & 0xff;
            float m = clamp(g * mean[i] + o);
            float d = f - m;
            int c = ((d > t || d < -t) ? 1 : 0) & (1 - ignored[i]);
            changed[i] = (byte) c;
            count += c;
            if (c == 0) {
                changedFor[i] = 0;
                mean[i] = m + alpha * d;
            }
            else {
                if (first < 0) {
                    first = i;
                }
                last = i;
                float held = changedFor[i] + dt;
                if (held >= accept) {
                    m = f;
                    held = 0;
                }
                changedFor[i] = held;
                mean[i] = m;
            }
        }
        this.firstChanged = first;
        this.lastChanged = last;
        return count;
    }

    /** The index of the first pixel the last {@link #update} marked changed, or -1. */
    int firstChanged() {
        return this.firstChanged;
    }

    /** The index of the last pixel the last {@link #update} marked changed, or -1. */
    int lastChanged() {
        return this.lastChanged;
    }

    private static float clamp(float luma) {
        return (luma < 0f) ? 0f : ((luma > 255f) ? 255f : luma);
    }

    /** Learns from {@code frame} while settling: every pixel, fast. */
    void settle(byte[] frame, double seconds) {
        float alpha = (float) learningRate(seconds, SETTLE_TAU_SECONDS);
        for (int i = 0; i < frame.length; i++) {
            this.mean[i] += alpha * ((frame[i] & 0xff) - this.mean[i]);
        }
    }

    /** The background's luma at pixel {@code i}. */
    float at(int i) {
        return this.mean[i];
    }

    private static double learningRate(double seconds, double tau) {
        return 1 - Math.exp(-seconds / tau);
    }

}
