package dev.udpimage.store;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * A JSON value received on the list port (usually a list such as {@code [0, 0, 0, 7]}).
 *
 * @param id assigned by the store, increasing
 * @param sender source address and port, {@code ip:port}
 * @param receivedAt when the datagram arrived
 * @param bytes length of the datagram
 * @param value the parsed JSON
 */
public record ReceivedList(long id, String sender, Instant receivedAt, int bytes, JsonNode value) implements Received {

    public ReceivedList withId(long newId) {
        return new ReceivedList(newId, this.sender, this.receivedAt, this.bytes, this.value);
    }
}
