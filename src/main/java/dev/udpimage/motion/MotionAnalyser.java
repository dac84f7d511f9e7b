package dev.udpimage.motion;

import dev.udpimage.motion.FrameAnalysis.Calibration;

/**
 * Finds motion in one camera's frames, one frame at a time: compares each with the
 * {@link BackgroundModel}, marks the pixels that differ by more than the threshold (the
 * settings' threshold, or {@value #NOISE_FACTOR} times the scene's noise if that is
 * higher) once the background is mapped to the frame's light, ignores the masks, joins
 * the changed pixels into regions (a 3x3 dilation, then 8-connected regions), and keeps
 * the regions with at least {@link MotionSettings#minArea()} of the frame in changed
 * pixels.
 *
 * <p>
 * The background starts again, and nothing moves, on the first frame, on a frame of
 * another size, on a frame more than {@value #MAX_GAP_SECONDS} s after the previous one
 * (the scene may have changed meanwhile), and on a frame where more than
 * {@link MotionSettings#lightswitch()} of the unmasked pixels changed, either before the
 * background is mapped to the frame's light (lights on or off) or after it, counting the
 * changed pixels' neighbours (a new light that falls differently on everything). For a
 * second after each start ({@link Calibration} {@code SETTLING}) frames only teach the
 * background.
 *
 * <p>
 * Frames larger than {@value Shrink#MAX_WIDTH}x{@value Shrink#MAX_HEIGHT} are first
 * shrunk by averaging blocks ({@link Shrink}). Buffers are allocated per frame size and
 * reused; a frame allocates only its small result. Not thread-safe.
 */
final class MotionAnalyser {

    static final double NOISE_FACTOR = 5;

    static final double MAX_GAP_SECONDS = 10;

    private final MotionSettings settings;

    private final Shrink shrink = new Shrink();

    private SceneMasks masks;

    private BackgroundModel background;

    private Regions regions;

    private byte[] changed;

    private byte[] dilated;

    private byte[] scratch;

    private long lastMicros;

    private int minAreaPixels;

    /** The rows the last frame's regions were looked for in. */
    private int top;

    private int bottom;

    MotionAnalyser(MotionSettings settings) {
        this.settings = settings;
    }

    /**
     * Analyses a frame.
     * @param frame the frame, any size from 1x1
     * @param micros its time, microseconds since the epoch; later than the previous
     * frame's (an earlier one counts as no time passed)
     * @return what it showed
     */
    FrameAnalysis analyse(LumaImage frame, long micros) {
        byte[] pixels = this.shrink.apply(frame);
        int w = this.shrink.width();
        int h = this.shrink.height();
        if (this.masks == null || this.masks.width != w || this.masks.height != h) {
            Calibration why = (this.masks == null) ? Calibration.FIRST_FRAME : Calibration.NEW_SIZE;
            resize(w, h);
            return restart(pixels, micros, why);
        }
        long elapsed = micros - this.lastMicros;
        if (Math.abs(elapsed) > MAX_GAP_SECONDS * 1_000_000) {
            return restart(pixels, micros, Calibration.AFTER_GAP);
        }
        this.lastMicros = micros;
        double seconds = Math.max(0, elapsed) / 1e6;
        BackgroundModel bg = this.background;
        double threshold = Math.max(this.settings.threshold(), NOISE_FACTOR * bg.noise());
        double beyond = bg.match(pixels, this.masks.ignored, threshold);
        if (bg.settling(micros)) {
            bg.settle(pixels, seconds);
            return FrameAnalysis.still(Calibration.SETTLING, threshold);
        }
        int unmasked = this.masks.unmasked;
        double lightswitch = this.settings.lightswitch();
        if (beyond > lightswitch) {
            return restart(pixels, micros, Calibration.LIGHTSWITCH);
        }
        bg.measureNoise(pixels, this.masks.ignored, seconds);
        int changedCount = bg.update(pixels, this.masks.ignored, threshold, this.changed, seconds);
        if (changedCount == 0) {
            return FrameAnalysis.still(Calibration.READY, threshold);
        }
        // dilation and regions only where something changed, and the rows next to it
        int firstRow = bg.firstChanged() / w;
        int lastRow = bg.lastChanged() / w;
        if (Dilation.dilate(this.changed, this.dilated, this.scratch, w, h, firstRow, lastRow,
                this.masks.ignored) > lightswitch * unmasked) {
            return restart(pixels, micros, Calibration.LIGHTSWITCH);
        }
        this.top = Math.max(0, firstRow - 1);
        this.bottom = Math.min(h - 1, lastRow + 1);
        Regions found = this.regions;
        found.find(this.dilated, this.changed, this.top, this.bottom);
        int kept = found.keep(this.minAreaPixels);
        if (kept == 0) {
            return FrameAnalysis.still(Calibration.READY, threshold);
        }
        double score = found.keptArea() / (double) unmasked;
        return new FrameAnalysis(true, score, found.keptBox(), this.masks.names(zonesTouched()), Calibration.READY,
                threshold);
    }

    private void resize(int w, int h) {
        int n = w * h;
        this.masks = new SceneMasks(this.settings, w, h);
        this.background = new BackgroundModel(n);
        this.regions = new Regions(w, h);
        this.changed = new byte[n];
        this.dilated = new byte[n];
        this.scratch = new byte[n];
        this.minAreaPixels = (int) Math.max(1, Math.ceil(this.settings.minArea() * n - 1e-9));
    }

    private FrameAnalysis restart(byte[] pixels, long micros, Calibration why) {
        this.background.reset(pixels, micros);
        this.lastMicros = micros;
        return FrameAnalysis.still(why, this.settings.threshold());
    }

    /** The zone bits of the kept regions' changed pixels. */
    private long zonesTouched() {
        long[] zoneBits = this.masks.zoneBits;
        if (zoneBits == null) {
            return 0;
        }
        long bits = 0;
        Regions found = this.regions;
        int w = this.masks.width;
        for (int i = this.top * w; i < (this.bottom + 1) * w; i++) {
            if (this.changed[i] != 0 && found.kept(found.label(i))) {
                bits |= zoneBits[i];
            }
        }
        return bits;
    }

}
