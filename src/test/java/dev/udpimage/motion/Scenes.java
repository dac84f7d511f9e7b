package dev.udpimage.motion;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The detector's synthetic scenes as a camera sends them: full-size colour JPEGs of a
 * room with sensor noise, for tests that go through the UDP ports.
 */
public final class Scenes {

    private final SyntheticScene scene;

    /** When the scene has motion: from, to (seconds); none: NaN. */
    private final double firstMotion;

    private final double lastMotion;

    private Scenes(SyntheticScene scene, double firstMotion, double lastMotion) {
        this.scene = scene;
        this.firstMotion = firstMotion;
        this.lastMotion = lastMotion;
    }

    private static SyntheticScene room(int width, int height, long seed) {
        return SyntheticScene.small(width, height, 3, seed);
    }

    /** A still room: noise only. */
    public static Scenes still(int width, int height, long seed) {
        return new Scenes(room(width, height, seed), Double.NaN, Double.NaN);
    }

    /**
     * Someone crossing the room from left to right between {@code from} and {@code to}
     * seconds, at mid height.
     */
    public static Scenes crossing(int width, int height, long seed, double from, double to) {
        return crossing(width, height, seed, from, to, 0.05, 0.95, 0.5);
    }

    /**
     * Someone crossing from {@code x0} to {@code x1} (relative) at height {@code y},
     * between {@code from} and {@code to} seconds, gone when they arrive.
     */
    public static Scenes crossing(int width, int height, long seed, double from, double to, double x0, double x1,
            double y) {
        return new Scenes(room(width, height, seed).with(SyntheticScene.Thing.moving(from, to, to, x0, y, x1, y)), from,
                to);
    }

    /** The lights going on at {@code at} seconds (much brighter at once). */
    public static Scenes lightsOn(int width, int height, long seed, double at) {
        return new Scenes(room(width, height, seed).with(new SyntheticScene.Light(at, 1.2, 60)), Double.NaN,
                Double.NaN);
    }

    /** Daylight: the mean brightness drifting {@code levelsPerSecond}. */
    public static Scenes drift(int width, int height, long seed, double levelsPerSecond) {
        return new Scenes(room(width, height, seed).drifting(levelsPerSecond, 30), Double.NaN, Double.NaN);
    }

    /** The first moment with motion, in seconds, or NaN. */
    public double firstMotion() {
        return this.firstMotion;
    }

    /** The last moment with motion, in seconds, or NaN. */
    public double lastMotion() {
        return this.lastMotion;
    }

    /** The frame at {@code t} seconds, as a colour JPEG of the given quality. */
    public byte[] jpeg(double t, float quality) {
        LumaImage luma = this.scene.frame(t);
        BufferedImage image = new BufferedImage(luma.width(), luma.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] pixels = luma.pixels();
        for (int i = 0; i < pixels.length; i++) {
            bgr[3 * i] = pixels[i];
            bgr[3 * i + 1] = pixels[i];
            bgr[3 * i + 2] = pixels[i];
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
                MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
            stream.flush();
            return out.toByteArray();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        finally {
            writer.dispose();
        }
    }

}
