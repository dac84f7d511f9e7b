package dev.udpimage.stream;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import dev.udpimage.store.ImageMetadata;

/**
 * One frame of a stream: an image as received, and as JPEG for MJPEG viewers. A JPEG goes
 * out untouched; any other format is encoded to JPEG once, by the first viewer that needs
 * it, not once per viewer, and never on a receive thread. So are the bytes of a frame
 * another instance received read from the store.
 */
public final class Frame {

    private final ImageMetadata metadata;

    private final Supplier<byte[]> original;

    private volatile byte[] jpeg;

    /** A frame received here, with its bytes. */
    Frame(ImageMetadata metadata, byte[] original) {
        this.metadata = metadata;
        this.original = () -> original;
        this.jpeg = "jpeg".equals(metadata.format()) ? original : null;
    }

    /**
     * A frame whose bytes are elsewhere (another instance received it): read by the first
     * viewer that takes it; the loader's {@code null} (gone from the store) makes it a
     * frame no viewer can show.
     */
    Frame(ImageMetadata metadata, Supplier<byte[]> original) {
        this.metadata = metadata;
        this.original = original;
    }

    public ImageMetadata metadata() {
        return this.metadata;
    }

    /**
     * @return the JPEG, or null if the image cannot be decoded
     */
    public byte[] jpeg() {
        byte[] encoded = this.jpeg;
        if (encoded == null) {
            synchronized (this) {
                encoded = this.jpeg;
                if (encoded == null) {
                    encoded = jpeg(this.original.get());
                    this.jpeg = encoded;
                }
            }
        }
        return encoded.length == 0 ? null : encoded;
    }

    private byte[] jpeg(byte[] original) {
        if (original == null) {
            return new byte[0];
        }
        return "jpeg".equals(this.metadata.format()) ? original : encode(original);
    }

    private static byte[] encode(byte[] image) {
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
            if (decoded == null) {
                return new byte[0];
            }
            BufferedImage rgb = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(decoded, 0, 0, null);
            ByteArrayOutputStream out = new ByteArrayOutputStream(image.length);
            ImageIO.write(rgb, "jpeg", out);
            return out.toByteArray();
        }
        catch (IOException | RuntimeException ex) {
            return new byte[0];
        }
    }

}
