package dev.udpimage.decode;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Encodes an image of another format to JPEG, for MJPEG viewers and video exports, within
 * the {@link PixelDecoder}'s bounds.
 */
@Component
public class JpegEncoder {

    private static final Logger log = LoggerFactory.getLogger(JpegEncoder.class);

    private final PixelDecoder decoder;

    public JpegEncoder(PixelDecoder decoder) {
        this.decoder = decoder;
    }

    /** The image as JPEG (subsampled if large); empty when it cannot be decoded. */
    public byte[] toJpeg(byte[] image) {
        try {
            return this.decoder.decode(image, decoded -> {
                BufferedImage rgb = new BufferedImage(decoded.getWidth(), decoded.getHeight(),
                        BufferedImage.TYPE_INT_RGB);
                rgb.getGraphics().drawImage(decoded, 0, 0, null);
                ByteArrayOutputStream out = new ByteArrayOutputStream(image.length);
                try {
                    ImageIO.write(rgb, "jpeg", out);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                return out.toByteArray();
            });
        }
        catch (PixelDecoder.UndecodableException | PixelDecoder.BusyException | RuntimeException ex) {
            log.debug("A frame could not be encoded as JPEG: {}", ex.toString());
            return new byte[0];
        }
    }

}
