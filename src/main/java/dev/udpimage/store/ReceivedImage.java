package dev.udpimage.store;

import java.time.Instant;

/**
 * A received image: its metadata and the original encoded bytes, exactly as they arrived.
 */
public record ReceivedImage(ImageMetadata metadata, byte[] original) implements Received {

    @Override
    public long id() {
        return this.metadata.id();
    }

    @Override
    public String sender() {
        return this.metadata.sender();
    }

    @Override
    public Instant receivedAt() {
        return this.metadata.receivedAt();
    }
}
