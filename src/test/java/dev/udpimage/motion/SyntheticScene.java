package dev.udpimage.motion;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A camera looking at a room, frame by frame: a textured still background (gradients,
 * furniture-like rectangles, a lamp, a striped rug), Gaussian sensor noise, lights that
 * switch or drift, and objects that move across it. Either rendered at the frame's size
 * with the noise added there ({@link #small}), or rendered 8 times larger, noised, JPEG
 * encoded at quality 75, decoded and averaged over 8x8 blocks ({@link #viaJpeg}), as the
 * service's 1/8-scale decoding of a camera's JPEG would give.
 */
final class SyntheticScene {

    /**
     * A rectangle-ish or elliptic object of one luma, moving from one point to another.
     */
    record Thing(double appear, double arrive, double vanish, double x0, double y0, double x1, double y1, double width,
            double height, int luma) {

        /**
         * Moving from (x0, y0) at {@code appear} to (x1, y1) at {@code arrive}, gone at
         * {@code vanish}.
         */
        static Thing moving(double appear, double arrive, double vanish, double x0, double y0, double x1, double y1) {
            return new Thing(appear, arrive, vanish, x0, y0, x1, y1, 0.08, 0.13, 30);
        }

        boolean visible(double t) {
            return t >= this.appear && t < this.vanish;
        }

        double x(double t) {
            return this.x0 + (this.x1 - this.x0) * progress(t);
        }

        double y(double t) {
            return this.y0 + (this.y1 - this.y0) * progress(t);
        }

        private double progress(double t) {
            return (this.arrive <= this.appear) ? 1
                    : Math.min(1, Math.max(0, (t - this.appear) / (this.arrive - this.appear)));
        }

        /** The time of the last moment it moves: it arrives, or vanishes while moving. */
        double lastMotion() {
            return Math.min(this.arrive, this.vanish);
        }

    }

    /** From {@code time} on, luma becomes {@code 128 + gain * (luma - 128) + offset}. */
    record Light(double time, double gain, double offset) {
    }

    private static final float[] GAUSSIAN = new float[1 << 19];

    static {
        Random random = new Random(7);
        for (int i = 0; i < GAUSSIAN.length; i++) {
            GAUSSIAN[i] = (float) random.nextGaussian();
        }
    }

    private final int width;

    private final int height;

    private final int scale;

    private final double sigma;

    private final Random random;

    private final List<Thing> things = new ArrayList<>();

    private final List<Light> lights = new ArrayList<>();

    private double driftPerSecond;

    private double driftTurn = Double.POSITIVE_INFINITY;

    private final float[] background;

    private final float[] render;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private ImageWriter writer;

    private ImageReader reader;

    private BufferedImage image;

    private SyntheticScene(int width, int height, int scale, double sigma, long seed) {
        this.width = width;
        this.height = height;
        this.scale = scale;
        this.sigma = sigma;
        this.random = new Random(seed);
        int w = width * scale;
        int h = height * scale;
        this.background = new float[w * h];
        this.render = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                this.background[y * w + x] = (float) room((x + 0.5) / w, (y + 0.5) / h);
            }
        }
    }

    /**
     * Rendered at {@code width x height}, with noise of standard deviation {@code sigma}
     * there.
     */
    static SyntheticScene small(int width, int height, double sigma, long seed) {
        return new SyntheticScene(width, height, 1, sigma, seed);
    }

    /**
     * Rendered at 8 times {@code width x height}, noised, through JPEG, averaged back
     * down.
     */
    static SyntheticScene viaJpeg(int width, int height, double sigma, long seed) {
        return new SyntheticScene(width, height, 8, sigma, seed);
    }

    SyntheticScene with(Thing thing) {
        this.things.add(thing);
        return this;
    }

    SyntheticScene with(Light light) {
        this.lights.add(light);
        return this;
    }

    /**
     * Mean brightness drifting by {@code levelsPerSecond}, reversing direction every
     * {@code turn} s.
     */
    SyntheticScene drifting(double levelsPerSecond, double turn) {
        this.driftPerSecond = levelsPerSecond;
        this.driftTurn = turn;
        return this;
    }

    List<Thing> things() {
        return this.things;
    }

    /** The still room at (u, v), relative coordinates. */
    private static double room(double u, double v) {
        double luma = 80 + 90 * u + 40 * v;
        if (u > 0.1 && u < 0.3 && v > 0.1 && v < 0.35) {
            luma = 185; // a picture on the wall
        }
        if (u > 0.6 && u < 0.9 && v > 0.62 && v < 0.88) {
            luma = 60; // a sofa
        }
        double lampU = u - 0.78;
        double lampV = v - 0.22;
        if (lampU * lampU + lampV * lampV < 0.008) {
            luma = 225; // a lamp
        }
        if (u > 0.35 && u < 0.55 && v > 0.7 && v < 0.95) {
            luma += ((int) (u * 50) % 2 == 0) ? 25 : -25; // a striped rug
        }
        return luma;
    }

    /** The frame at {@code t} seconds. */
    LumaImage frame(double t) {
        int w = this.width * this.scale;
        int h = this.height * this.scale;
        System.arraycopy(this.background, 0, this.render, 0, this.render.length);
        for (Thing thing : this.things) {
            if (thing.visible(t)) {
                draw(thing, t, w, h);
            }
        }
        double gain = 1;
        double offset = drift(t);
        for (Light light : this.lights) {
            if (t >= light.time()) {
                gain = light.gain();
                offset += light.offset();
            }
        }
        byte[] pixels = new byte[w * h];
        int noise = this.random.nextInt(GAUSSIAN.length);
        int stride = 1 + 2 * this.random.nextInt(1 << 10);
        for (int i = 0; i < pixels.length; i++) {
            double luma = 128 + gain * (this.render[i] - 128) + offset
                    + this.sigma * GAUSSIAN[(noise + i * stride) & (GAUSSIAN.length - 1)];
            // Math.round, clamped: the same bytes, without a call per pixel in C1 code
            pixels[i] = (byte) ((luma <= 0) ? 0 : (luma >= 255) ? 255 : (int) (luma + 0.5));
        }
        if (this.scale == 1) {
            return new LumaImage(w, h, pixels);
        }
        return shrink(jpeg(pixels, w, h), w, h);
    }

    private double drift(double t) {
        if (this.driftPerSecond == 0) {
            return 0;
        }
        // a triangle wave: up for driftTurn seconds, down for as long
        double period = 2 * this.driftTurn;
        double phase = t % period;
        double up = Math.min(phase, this.driftTurn);
        double down = Math.max(0, phase - this.driftTurn);
        return this.driftPerSecond * (up - down);
    }

    private void draw(Thing thing, double t, int w, int h) {
        double cx = thing.x(t) * w;
        double cy = thing.y(t) * h;
        double rx = thing.width() * w / 2;
        double ry = thing.height() * h / 2;
        int x0 = (int) Math.max(0, Math.floor(cx - rx));
        int x1 = (int) Math.min(w - 1, Math.ceil(cx + rx));
        int y0 = (int) Math.max(0, Math.floor(cy - ry));
        int y1 = (int) Math.min(h - 1, Math.ceil(cy + ry));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = (x + 0.5 - cx) / rx;
                double dy = (y + 0.5 - cy) / ry;
                if (dx * dx + dy * dy <= 1) {
                    this.render[y * w + x] = thing.luma();
                }
            }
        }
    }

    private byte[] jpeg(byte[] pixels, int w, int h) {
        try {
            if (this.writer == null) {
                this.writer = ImageIO.getImageWritersByFormatName("jpeg").next();
                this.reader = ImageIO.getImageReadersByFormatName("jpeg").next();
                this.image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            }
            this.image.getRaster().setDataElements(0, 0, w, h, pixels);
            this.bytes.reset();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(this.bytes)) {
                this.writer.setOutput(out);
                ImageWriteParam param = this.writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.75f);
                this.writer.write(null, new IIOImage(this.image, null, null), param);
            }
            try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(
                    new ByteArrayInputStream(this.bytes.toByteArray()))) {
                this.reader.setInput(in);
                BufferedImage decoded = this.reader.read(0);
                byte[] back = new byte[w * h];
                decoded.getRaster().getDataElements(0, 0, w, h, back);
                return back;
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private LumaImage shrink(byte[] pixels, int w, int h) {
        int s = this.scale;
        byte[] small = new byte[this.width * this.height];
        for (int by = 0; by < this.height; by++) {
            for (int bx = 0; bx < this.width; bx++) {
                int sum = 0;
                for (int y = by * s; y < by * s + s; y++) {
                    for (int x = bx * s; x < bx * s + s; x++) {
                        sum += pixels[y * w + x] & 0xff;
                    }
                }
                small[by * this.width + bx] = (byte) ((sum + s * s / 2) / (s * s));
            }
        }
        return new LumaImage(this.width, this.height, small);
    }

}
