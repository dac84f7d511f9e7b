package dev.udpimage.receive;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.springframework.stereotype.Component;

import dev.udpimage.protocol.Rejection;

/**
 * Identifies received bytes with ImageIO (JPEG, PNG, BMP, GIF, WBMP, TIFF): a reader must recognise the format
 * and read the image's header (its dimensions). That rejects anything that is not an image, in well under a
 * millisecond even for a 9 MB JPEG, so the receive thread can reply at once; the pixels are decoded only when
 * the picture is asked for ({@link #decode}).
 */
@Component
public class ImageDecoder {

    /** What the image's header says. */
    public record Identified(String format, int width, int height) {
    }

    public ImageDecoder() {
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /** @throws Rejection (UNDECODABLE) when no ImageIO reader recognises the bytes or can read their header */
    public Identified identify(byte[] bytes) {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new Rejection(Rejection.Reason.UNDECODABLE,
                        "not an image (" + bytes.length + " bytes in no format ImageIO reads)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            try {
                reader.setInput(input, true, true);
                return new Identified(format, reader.getWidth(0), reader.getHeight(0));
            }
            catch (IOException | RuntimeException ex) {
                throw new Rejection(Rejection.Reason.UNDECODABLE,
                        "undecodable " + format + " (" + bytes.length + " bytes): " + ex.getMessage(), ex);
            }
            finally {
                reader.dispose();
            }
        }
        catch (IOException ex) {
            throw new Rejection(Rejection.Reason.UNDECODABLE, "unreadable image: " + ex.getMessage(), ex);
        }
    }

    /** Decodes the pixels. @throws IOException when the bytes are not a complete, readable image */
    public static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        if (image == null) {
            throw new IOException("no ImageIO reader for these " + bytes.length + " bytes");
        }
        return image;
    }
}
