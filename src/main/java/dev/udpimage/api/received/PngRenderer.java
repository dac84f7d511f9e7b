package dev.udpimage.api.received;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import dev.udpimage.api.Problems;
import dev.udpimage.decode.PixelDecoder;
import dev.udpimage.store.ReceivedImage;

/**
 * Renders a received image as PNG for the browser, on the HTTP thread that asks: the
 * receive path never waits for pixel decoding. PNG originals are served as they are; the
 * last rendering is kept, since the latest image is what gets asked for again and again.
 * Pixels are decoded within {@link PixelDecoder}'s bounds: an image larger than one
 * decode's share is rendered subsampled.
 */
@Component
public class PngRenderer {

    private record Rendered(long id, byte[] png) {
    }

    private final PixelDecoder decoder;

    private volatile Rendered last = new Rendered(-1, new byte[0]);

    public PngRenderer(PixelDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * @throws org.springframework.web.ErrorResponseException 422 when the pixels cannot
     * be decoded, 503 when the decoder's share of the heap stays taken
     */
    public byte[] render(ReceivedImage image) {
        if ("png".equals(image.metadata().format())) {
            return image.original();
        }
        Rendered cached = this.last;
        if (cached.id() == image.id()) {
            return cached.png();
        }
        try {
            byte[] png = this.decoder.decode(image.original(), PngRenderer::png);
            this.last = new Rendered(image.id(), png);
            return png;
        }
        catch (PixelDecoder.UndecodableException ex) {
            throw Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "Undecodable image",
                    "image " + image.id() + " (" + image.metadata().format() + ", " + image.metadata().bytes()
                            + " bytes) cannot be decoded: " + ex.getMessage(),
                    ex);
        }
        catch (PixelDecoder.BusyException ex) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Busy decoding", ex.getMessage(), ex);
        }
    }

    private static byte[] png(BufferedImage decoded) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(decoded, "png", out);
            return out.toByteArray();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The media type of an ImageIO format name. */
    static MediaType mediaType(String format) {
        return switch (format) {
            case "jpeg" -> MediaType.IMAGE_JPEG;
            case "png" -> MediaType.IMAGE_PNG;
            case "gif" -> MediaType.IMAGE_GIF;
            default -> MediaType.parseMediaType("image/" + format);
        };
    }

}
