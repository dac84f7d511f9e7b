package dev.udpimage.recording;

import java.util.List;

import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;

/**
 * What a store that keeps its history in memory hands its items to, so that they are
 * recorded (the file backend; the cluster's store records as it saves). Thread-safe.
 */
public interface Recorder {

    /**
     * Records an item behind: returns at once (or once there is room, while the disk
     * takes writes). What the disk refuses waits and is tried again; if it refuses for as
     * long as the store's history turns over, the oldest is given up and counted.
     */
    void record(ReceivedImage image);

    void record(ReceivedList list);

    /**
     * Records an item and returns once it is on disk (group commit with whoever records
     * meanwhile).
     * @throws java.io.UncheckedIOException when the disk refused it: nothing of it is
     * kept
     */
    void recordDurably(ReceivedImage image);

    void recordDurably(ReceivedList list);

    /**
     * What was recorded last, to fill the store's history at start: the newest images (at
     * most {@code count} and {@code maxBytes}) and lists (at most {@code count}), both
     * oldest first, with their ids and times as recorded.
     */
    Recent recent(int count, long maxBytes);

    /** The newest images and lists, oldest first. */
    record Recent(List<ReceivedImage> images, List<ReceivedList> lists) {
    }

}
