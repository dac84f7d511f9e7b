package dev.udpimage.decode;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.springframework.stereotype.Component;

/**
 * Decodes pixels (for PNG rendering and MJPEG transcoding) within a fixed share of the
 * heap, whatever an image's header claims: one decode yields at most
 * {@value #MAX_DECODED_PIXELS} pixels (a larger image is decoded subsampled, every n-th
 * pixel of every n-th row, as thumbnails are), and the decodes running at once together
 * hold at most {@value #IN_FLIGHT_PIXELS}; a decode that cannot get its share within
 * {@link #WAIT_SECONDS} seconds is refused as busy. So the worst case is
 * {@link #HEAP_BYTES} of the heap, which the start-up heap check counts.
 */
@Component
public class PixelDecoder {

    /** Most pixels one decode yields (2048 x 2048). */
    public static final int MAX_DECODED_PIXELS = 2048 * 2048;

    /** Most pixels being decoded at once, all threads together. */
    public static final int IN_FLIGHT_PIXELS = MAX_DECODED_PIXELS;

    /**
     * The worst case on the heap: eight bytes a pixel in flight (the decoded raster, an
     * RGB copy or an encoder's buffers).
     */
    public static final long HEAP_BYTES = IN_FLIGHT_PIXELS * 8L;

    static final int WAIT_SECONDS = 10;

    private final Semaphore pixels = new Semaphore(IN_FLIGHT_PIXELS, true);

    /** The bytes are no image ImageIO can decode. */
    public static final class UndecodableException extends Exception {

        UndecodableException(String message, Throwable cause) {
            super(message, cause, false, false);
        }

    }

    /** Other decodes held the whole share for too long. */
    public static final class BusyException extends Exception {

        BusyException(String message) {
            super(message, null, false, false);
        }

    }

    /**
     * Decodes the image and hands it to {@code use} while its share is held (what
     * {@code use} makes of the pixels counts against the same share).
     * @return what {@code use} returns
     */
    public <T> T decode(byte[] bytes, Function<BufferedImage, T> use) throws UndecodableException, BusyException {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new UndecodableException("no ImageIO reader for these " + bytes.length + " bytes", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new UndecodableException("the header claims " + width + "x" + height + " pixels", null);
                }
                int step = subsampling(width, height);
                int decoded = (int) (ceilDiv(width, step) * ceilDiv(height, step));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                acquire(decoded);
                try {
                    return use.apply(reader.read(0, param));
                }
                finally {
                    this.pixels.release(decoded);
                }
            }
            finally {
                reader.dispose();
            }
        }
        catch (IOException | RuntimeException ex) {
            throw new UndecodableException(String.valueOf(ex.getMessage()), ex);
        }
    }

    /** The smallest n for which every n-th pixel of every n-th row fits one decode. */
    static int subsampling(int width, int height) {
        int step = (int) Math.max(1, Math.floor(Math.sqrt((double) width * height / MAX_DECODED_PIXELS)));
        while (ceilDiv(width, step) * ceilDiv(height, step) > MAX_DECODED_PIXELS) {
            step++;
        }
        return step;
    }

    private static long ceilDiv(long value, long by) {
        return (value + by - 1) / by;
    }

    private void acquire(int decoded) throws BusyException {
        try {
            if (!this.pixels.tryAcquire(decoded, WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new BusyException("other images are being decoded; try again");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new BusyException("interrupted");
        }
    }

}
