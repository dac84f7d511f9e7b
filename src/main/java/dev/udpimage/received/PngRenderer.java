package dev.udpimage.received;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/** Renders a received image as PNG for the browser; PNG originals are served as they are. */
@Component
public class PngRenderer {

    public byte[] render(ReceivedImage image) {
        if ("png".equals(image.metadata().format())) {
            return image.original();
        }
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.original()));
            ByteArrayOutputStream out = new ByteArrayOutputStream(image.original().length * 2);
            ImageIO.write(decoded, "png", out);
            return out.toByteArray();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot render image " + image.id() + " as PNG", ex);
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
