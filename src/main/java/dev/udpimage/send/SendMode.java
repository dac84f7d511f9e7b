package dev.udpimage.send;

/**
 * How {@code POST /send/image} sends: like the legacy clients ({@code chunked}: an 8-byte
 * header and chunks; {@code whole}: one datagram), or in reliable mode
 * (docs/reliable-protocol.md: windowed, retransmitting, checksummed; the receiver must
 * speak it, as this service does on its image port).
 */
public enum SendMode {

    CHUNKED, WHOLE, RELIABLE

}
