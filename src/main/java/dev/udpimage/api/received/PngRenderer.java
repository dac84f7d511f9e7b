package dev.udpimage.api.received;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import dev.udpimage.api.Problems;
import dev.udpimage.store.ReceivedImage;

/**
 * Renders a received image as PNG for the browser, on the HTTP thread that asks: the
 * receive path never waits for pixel decoding. PNG originals are served as they are; the
 * last rendering is kept, since the latest image is what gets asked for again and again.
 */
@Component
public class PngRenderer {

    private record Rendered(long id, byte[] png) {
    }

    private volatile Rendered last = new Rendered(-1, new byte[0]);

    public byte[] render(ReceivedImage image) {
        if ("png".equals(image.metadata().format())) {
            return image.original();
        }
        Rendered cached = this.last;
        if (cached.id() == image.id()) {
            return cached.png();
        }
        try {
            BufferedImage decoded = decode(image.original());
            ByteArrayOutputStream out = new ByteArrayOutputStream(image.original().length * 2);
            ImageIO.write(decoded, "png", out);
            Rendered rendered = new Rendered(image.id(), out.toByteArray());
            this.last = rendered;
            return rendered.png();
        }
        catch (IOException | RuntimeException ex) {
            throw Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "Undecodable image",
                    "image " + image.id() + " (" + image.metadata().format() + ", " + image.metadata().bytes()
                            + " bytes) cannot be decoded: " + ex.getMessage(),
                    ex);
        }
    }

    /**
     * Decodes the pixels. @throws IOException when the bytes are not a complete, readable
     * image
     */
    private static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        if (image == null) {
            throw new IOException("no ImageIO reader for these " + bytes.length + " bytes");
        }
        return image;
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
