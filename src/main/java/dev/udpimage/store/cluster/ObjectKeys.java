package dev.udpimage.store.cluster;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Object keys that never collide: a UUIDv7 (RFC 9562: 48 bits of Unix milliseconds, then
 * random bits), so keys sort by time and two instances, or two PUTs of one instance in
 * one millisecond, never pick the same key.
 */
final class ObjectKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ObjectKeys() {
    }

    static String imageKey(long nowMillis) {
        return "images/" + uuidV7(nowMillis);
    }

    /**
     * A segment's key: under {@code segments/} and its camera, so that lifecycle rules
     * can match by prefix.
     */
    static String segmentKey(String camera, long startMillis) {
        return "segments/" + camera.replaceAll("[^A-Za-z0-9.-]", "_") + "/" + uuidV7(startMillis);
    }

    static UUID uuidV7(long nowMillis) {
        long random = RANDOM.nextLong();
        long high = (nowMillis << 16) | 0x7000L | ((random >>> 52) & 0x0fffL);
        long low = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

}
