package dev.udpimage.decode;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ServiceRegistry;
import javax.imageio.stream.ImageInputStream;

import dev.udpimage.protocol.Rejection;

/**
 * Identifies received bytes with ImageIO (JPEG, PNG, BMP, GIF, WBMP, TIFF): a reader must
 * recognise the format and read the image's header (its dimensions). That rejects
 * anything that is not an image without decoding a pixel, so the receive thread can reply
 * at once; the pixels are decoded only when the picture is asked for, by whoever serves
 * it.
 *
 * <p>
 * Each thread keeps the readers it has used and resets them for the next image, instead
 * of asking ImageIO for a new one each time (creating and disposing of a JPEG reader sets
 * up and tears down libjpeg's native state), and reads through one reused stream
 * ({@link BytesImageInputStream}).
 */
public class ImageDecoder {

    /** What the image's header says. */
    public record Identified(String format, int width, int height) {
    }

    private static final byte[] NO_BYTES = BytesImageInputStream.NO_BYTES;

    /**
     * The readers this thread has used, by provider; reset between images, never shared
     * between threads.
     */
    private final ThreadLocal<Map<ImageReaderSpi, ImageReader>> readers = ThreadLocal.withInitial(HashMap::new);

    /**
     * This thread's stream, pointed at each image in turn (see
     * {@link BytesImageInputStream}).
     */
    private final ThreadLocal<BytesImageInputStream> streams = ThreadLocal.withInitial(BytesImageInputStream::new);

    /**
     * The provider of the last image this thread identified: the next one is most likely
     * the same format.
     */
    private final ThreadLocal<ImageReaderSpi> lastProvider = new ThreadLocal<>();

    /** Most pixels an image may have ({@code udp.transfer.max-pixels}). */
    private final long maxPixels;

    /**
     * @param maxPixels most pixels (width x height) an image may have
     */
    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /**
     * @throws Rejection UNDECODABLE when no ImageIO reader recognises the bytes or can
     * read their header; TOO_MANY_PIXELS when the header claims more pixels than
     * {@code udp.transfer.max-pixels} (a pixel bomb: a few bytes that decode to
     * gigabytes)
     */
    public Identified identify(byte[] bytes) {
        BytesImageInputStream stream = this.streams.get();
        ImageInputStream input = stream.of(bytes);
        boolean identified = false;
        try {
            ImageReaderSpi provider = providerFor(input);
            if (provider == null) {
                throw new Rejection(Rejection.Reason.UNDECODABLE, "not an image",
                        "not an image (" + bytes.length + " bytes in no format ImageIO reads)", null);
            }
            this.lastProvider.set(provider);
            String format = provider.getFormatNames()[0].toLowerCase(Locale.ROOT);
            Map<ImageReaderSpi, ImageReader> ownReaders = this.readers.get();
            ImageReader reader = ownReaders.get(provider);
            try {
                if (reader == null) {
                    reader = provider.createReaderInstance();
                    ownReaders.put(provider, reader);
                }
                reader.setInput(input, true, true);
                Identified image = new Identified(format, reader.getWidth(0), reader.getHeight(0));
                identified = true;
                checkPixels(image, bytes.length);
                return image;
            }
            catch (Rejection ex) {
                throw ex;
            }
            catch (IOException | RuntimeException ex) {
                throw new Rejection(Rejection.Reason.UNDECODABLE, "undecodable " + format,
                        "undecodable " + format + " (" + bytes.length + " bytes): " + ex.getMessage(), ex);
            }
            finally {
                if (reader != null) {
                    reader.reset(); // lets go of the input, ready for the next image
                }
            }
        }
        finally {
            if (identified) {
                stream.of(NO_BYTES); // holds on to no image between images
            }
            else { // a reader that gave up may have left marks on the stream: the next
                   // image gets a new one
                this.streams.remove();
            }
        }
    }

    private void checkPixels(Identified image, int bytes) {
        long pixels = (long) image.width() * image.height();
        if (image.width() <= 0 || image.height() <= 0 || pixels > this.maxPixels) {
            throw new Rejection(Rejection.Reason.TOO_MANY_PIXELS, "too many pixels",
                    image.format() + " of " + bytes + " bytes claims " + image.width() + "x" + image.height()
                            + " pixels, over udp.transfer.max-pixels (" + this.maxPixels + ")",
                    null);
        }
    }

    /**
     * The provider that recognises the stream (which is left unread): the last image's,
     * if it does, else the first in ImageIO's own order. The JDK's formats start with
     * distinct signatures, so no two of them claim the same bytes; and the registry,
     * asked for every image, filters and orders all its providers each time.
     */
    private ImageReaderSpi providerFor(ImageInputStream input) {
        CanDecode canDecode = new CanDecode(input);
        ImageReaderSpi last = this.lastProvider.get();
        if (last != null && canDecode.filter(last)) {
            return last;
        }
        Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance()
            .getServiceProviders(ImageReaderSpi.class, canDecode, true);
        return providers.hasNext() ? providers.next() : null;
    }

    /** ImageIO's own test for a reader (its {@code CanDecodeInputFilter} is private). */
    private record CanDecode(ImageInputStream input) implements ServiceRegistry.Filter {

        @Override
        public boolean filter(Object provider) {
            try {
                return ((ImageReaderSpi) provider).canDecodeInput(this.input);
            }
            catch (IOException ex) {
                return false;
            }
        }
    }

}
