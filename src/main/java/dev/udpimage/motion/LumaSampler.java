package dev.udpimage.motion;

import java.util.Arrays;

/**
 * Turns the bytes of any image that ImageIO reads into a small grey picture, for motion
 * detection: {@link #sample(byte[], int, int)}.
 *
 * <p>
 * A baseline or extended-sequential JPEG is read by {@link JpegDcReader} at 1/8 scale
 * (the fast way, {@link Sample#fast()}); anything else, and any JPEG that it refuses
 * (progressive, arithmetic-coded, CMYK, broken...), is decoded by ImageIO with source
 * subsampling and converted to luma (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B). Either
 * way the picture is then shrunk by an integer factor, the same across and down, each
 * pixel the mean of the pixels it covers, to fit the box.
 *
 * <p>
 * The scale depends only on the image's format, size and the box, never on the way it was
 * read, so a camera's frames keep one size even when one of them has to be read the slow
 * way: a JPEG is shrunk by the smallest multiple of 8 that fits it in the box, any other
 * image by the smallest integer that does. A JPEG therefore comes out no larger than 1/8
 * of its size, even in a box that would hold more.
 *
 * <p>
 * Thread-safe: each thread keeps its own {@link JpegDcReader}, ImageIO readers and
 * buffers, so threads of a pool should be long-lived.
 */
public final class LumaSampler {

    /**
     * A sampled image.
     *
     * @param image the grey picture, no larger than the box asked for
     * @param fast whether it was read from a JPEG's DC coefficients; false when ImageIO
     * decoded it
     */
    public record Sample(LumaImage image, boolean fast) {
    }

    /** Bytes that are no image ImageIO can read, or one larger than allowed. */
    public static class Unreadable extends RuntimeException {

        public Unreadable(String message, Throwable cause) {
            super(message, cause);
        }

    }

    private final long maxPixels;

    private final ThreadLocal<JpegDcReader> jpegReaders = ThreadLocal.withInitial(JpegDcReader::new);

    private final ThreadLocal<ImageIoLuma> imageIoReaders = ThreadLocal.withInitial(ImageIoLuma::new);

    /** A sampler of images of up to {@link JpegDcReader#DEFAULT_MAX_PIXELS} pixels. */
    public LumaSampler() {
        this(JpegDcReader.DEFAULT_MAX_PIXELS);
    }

    /**
     * @param maxPixels most pixels (width x height) an image may claim; larger ones are
     * {@link Unreadable}, before any pixel is decoded
     */
    public LumaSampler(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /**
     * The image's luma, shrunk to fit in {@code maxWidth x maxHeight} (see the class
     * description for the scale).
     * @param image the bytes of a whole image file (JPEG, PNG, BMP, GIF...)
     * @throws Unreadable if no ImageIO reader reads the bytes, or they claim more pixels
     * than allowed
     * @throws IllegalArgumentException if the box is empty
     */
    public Sample sample(byte[] image, int maxWidth, int maxHeight) {
        if (maxWidth <= 0 || maxHeight <= 0) {
            throw new IllegalArgumentException("a box of " + maxWidth + "x" + maxHeight);
        }
        if (JpegDcReader.isJpeg(image)) {
            LumaImage eighth;
            try {
                eighth = this.jpegReaders.get().read(image, this.maxPixels);
            }
            catch (JpegDcReader.Unsupported | JpegDcReader.Corrupt ex) {
                eighth = null; // ImageIO's turn
            }
            if (eighth != null) {
                return new Sample(shrink(eighth, factor(eighth.width(), eighth.height(), maxWidth, maxHeight)), true);
            }
        }
        return new Sample(this.imageIoReaders.get().read(image, maxWidth, maxHeight, this.maxPixels), false);
    }

    /** The smallest factor that shrinks {@code width x height} into the box. */
    static int factor(int width, int height, int maxWidth, int maxHeight) {
        return Math.max(1, Math.max(ceilDiv(width, maxWidth), ceilDiv(height, maxHeight)));
    }

    /**
     * The image shrunk by {@code factor}: {@code ceil(width / factor) x ceil(height /
     * factor)} pixels, each the rounded mean of the (up to {@code factor x factor})
     * pixels it covers.
     */
    static LumaImage shrink(LumaImage image, int factor) {
        if (factor == 1) {
            return image;
        }
        int width = image.width();
        int height = image.height();
        int outWidth = ceilDiv(width, factor);
        int outHeight = ceilDiv(height, factor);
        byte[] in = image.pixels();
        byte[] out = new byte[outWidth * outHeight];
        int[] sums = new int[outWidth];
        for (int oy = 0; oy < outHeight; oy++) {
            int top = oy * factor;
            int rows = Math.min(factor, height - top);
            Arrays.fill(sums, 0);
            for (int y = top; y < top + rows; y++) {
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    sums[x / factor] += in[row + x] & 0xff;
                }
            }
            for (int ox = 0; ox < outWidth; ox++) {
                int count = rows * Math.min(factor, width - ox * factor);
                out[oy * outWidth + ox] = (byte) ((sums[ox] + count / 2) / count);
            }
        }
        return new LumaImage(outWidth, outHeight, out);
    }

    static int ceilDiv(int a, int b) {
        return (int) ((a + (long) b - 1) / b);
    }

}
