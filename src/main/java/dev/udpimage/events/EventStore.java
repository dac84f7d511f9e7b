package dev.udpimage.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.udpimage.motion.MotionEvent;

/**
 * Where events are kept, with the recording: beside each camera's segments on one
 * machine, in PostgreSQL on the cluster (seen by every instance). Thread-safe.
 */
public interface EventStore {

    /**
     * Opens a camera's event. On a cluster, where another instance may have opened the
     * camera's event already (its frames moved there), that one is joined instead: one
     * event per motion.
     */
    Event open(String camera, MotionEvent motion, Snapshot snapshot);

    /** What an open event now is; {@code snapshot} null when the peak did not change. */
    Event update(long id, MotionEvent motion, Snapshot snapshot);

    /**
     * Ends an event. On a cluster an event another instance saw motion in within the
     * post-capture stays open (that instance ends it).
     * @return the event as it now is
     */
    Event end(long id, MotionEvent motion, Snapshot snapshot);

    Optional<Event> get(long id);

    /** Events as the query asks, in its order. */
    List<Event> find(EventQuery query);

    /** An event's snapshot: its peak frame, exactly as received. */
    Optional<Snapshot> snapshot(long id);

    /**
     * The stretches each camera's events cover (from {@code since} on): the footage kept
     * for {@code udp.recording.events-retention}.
     */
    List<Event> endedOrOpenSince(Instant since);

    /**
     * Notes a camera going online or offline.
     * @return whether this call changed what was noted: on a cluster, where every
     * instance sees every camera, one instance tells of each change
     */
    default boolean presence(String camera, boolean online) {
        return true;
    }

}
