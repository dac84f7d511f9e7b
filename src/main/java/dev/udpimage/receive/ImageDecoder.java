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

/** Decodes received bytes with ImageIO (JPEG, PNG, BMP, GIF, WBMP, TIFF) to prove they are an image. */
@Component
public class ImageDecoder {

    /** What decoding found out. */
    public record Decoded(String format, int width, int height) {
    }

    public ImageDecoder() {
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /** @throws Rejection (UNDECODABLE) when no ImageIO reader recognises or can read the bytes */
    public Decoded decode(byte[] bytes) {
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
                BufferedImage image = reader.read(0);
                return new Decoded(format, image.getWidth(), image.getHeight());
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
}
