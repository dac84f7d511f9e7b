package dev.udpimage.stream;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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

    /** Encodes another format to JPEG; an empty array when it cannot be decoded. */
    private final UnaryOperator<byte[]> encoder;

    private volatile byte[] jpeg;

    /** A frame received here, with its bytes. */
    Frame(ImageMetadata metadata, byte[] original, UnaryOperator<byte[]> encoder) {
        this.metadata = metadata;
        this.original = () -> original;
        this.encoder = encoder;
        this.jpeg = "jpeg".equals(metadata.format()) ? original : null;
    }

    /**
     * A frame whose bytes are elsewhere (another instance received it): read by the first
     * viewer that takes it; the loader's {@code null} (gone from the store) makes it a
     * frame no viewer can show.
     */
    Frame(ImageMetadata metadata, Supplier<byte[]> original, UnaryOperator<byte[]> encoder) {
        this.metadata = metadata;
        this.original = original;
        this.encoder = encoder;
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
        return "jpeg".equals(this.metadata.format()) ? original : this.encoder.apply(original);
    }

}
