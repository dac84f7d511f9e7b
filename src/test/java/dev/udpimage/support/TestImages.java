package dev.udpimage.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Deterministic, photo-like test images: colour gradients plus seeded noise (noise is
 * what makes JPEGs big).
 */
public final class TestImages {

    private TestImages() {
    }

    public static BufferedImage photo(int width, int height, int noise, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = clamp(x * 255 / width + jitter(random, noise));
                int g = clamp(y * 255 / height + jitter(random, noise));
                int b = clamp((x + y) * 127 / (width + height) + 64 + jitter(random, noise));
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    /** About 10 KB. */
    public static byte[] smallJpeg(long seed) {
        return jpeg(photo(200, 150, 24, seed), 0.85f);
    }

    /** About 200 KB. */
    public static byte[] mediumJpeg(long seed) {
        return jpeg(photo(800, 600, 40, seed), 0.9f);
    }

    /** A few megabytes. */
    public static byte[] largeJpeg(long seed) {
        return jpeg(photo(2000, 1500, 60, seed), 0.95f);
    }

    /**
     * The same JPEG with a comment segment (COM) after its start: a distinct image, at no
     * cost of encoding.
     */
    public static byte[] withComment(byte[] jpeg, String comment) {
        byte[] text = comment.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] marked = new byte[jpeg.length + 4 + text.length];
        marked[0] = jpeg[0];
        marked[1] = jpeg[1];
        marked[2] = (byte) 0xFF;
        marked[3] = (byte) 0xFE;
        marked[4] = (byte) ((text.length + 2) >> 8);
        marked[5] = (byte) (text.length + 2);
        System.arraycopy(text, 0, marked, 6, text.length);
        System.arraycopy(jpeg, 2, marked, 6 + text.length, jpeg.length - 2);
        return marked;
    }

    public static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("not an image: " + bytes.length + " bytes");
            }
            return image;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static int jitter(Random random, int noise) {
        return noise == 0 ? 0 : random.nextInt(2 * noise + 1) - noise;
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

}
