package dev.udpimage.store;

import java.time.Instant;

/** What the store keeps: an image or a list. */
public sealed interface Received permits ReceivedImage, ReceivedList {

    /** Its id, assigned by the store. */
    long id();

    /** Its sender, {@code ip:port}. */
    String sender();

    /** When it was received. */
    Instant receivedAt();

}
