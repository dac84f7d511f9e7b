package dev.udpimage.events;

import java.time.Instant;

/**
 * Hears what happened, to tell someone else (MQTT, webhooks, the live event stream). Each
 * is called in order on the events' own thread, never on a port's: an implementation that
 * talks to the network hands the work to a queue and thread of its own, bounded, so that
 * a broker or hook that is down costs nothing but its own messages.
 */
public interface EventNotifier {

    /** An event opened, with the snapshot of its peak so far. */
    default void opened(Event event, Snapshot snapshot) {
    }

    /** An open event touched a new zone, or its peak grew (at most once a second). */
    default void updated(Event event, Snapshot snapshot) {
    }

    /** An event ended, with the snapshot of its peak. */
    default void ended(Event event, Snapshot snapshot) {
    }

    /**
     * A camera sent its first frame since this instance started, or since it went
     * offline.
     */
    default void cameraOnline(String camera, Instant lastFrameAt) {
    }

    /** A camera sent nothing for {@code udp.streams.offline-after}. */
    default void cameraOffline(String camera, Instant lastFrameAt) {
    }

}
