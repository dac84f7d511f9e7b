package dev.udpimage.store;

import java.time.Instant;

/**
 * What is known of one received image.
 *
 * @param id assigned by the store, increasing
 * @param sender source address and port of the datagrams, {@code ip:port}; behind a load
 * balancer such as nginx, the balancer's address with a port of its own per sender
 * @param receivedAt when the last datagram arrived
 * @param bytes length of the encoded image
 * @param datagrams datagrams of the transfer, header included
 * @param width decoded width in pixels
 * @param height decoded height in pixels
 * @param format ImageIO's format name, lower case ({@code jpeg}, {@code png},
 * {@code bmp}, {@code gif})
 * @param transport {@code chunked} (header + chunks) or {@code whole} (one datagram)
 * @param transferMs time from the header to the last chunk, in milliseconds (0 for whole
 * images)
 */
public record ImageMetadata(long id, String sender, Instant receivedAt, int bytes, int datagrams, int width, int height,
        String format, String transport, double transferMs) {

    public ImageMetadata withId(long newId) {
        return new ImageMetadata(newId, this.sender, this.receivedAt, this.bytes, this.datagrams, this.width,
                this.height, this.format, this.transport, this.transferMs);
    }
}
