package dev.udpimage.store;

/**
 * A received image: its metadata and the original encoded bytes, exactly as they arrived.
 */
public record ReceivedImage(ImageMetadata metadata, byte[] original) {

    public long id() {
        return this.metadata.id();
    }
}
