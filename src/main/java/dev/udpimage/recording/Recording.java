package dev.udpimage.recording;

import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;

/**
 * Every stored frame of every camera, and every list of every sender, kept by time: the
 * one seam between the store (which records) and the recordings API (which finds, replays
 * and exports). A camera is a stream as {@code udp.streams.key} defines it.
 * Implementations are thread-safe, keep frames off the heap, and bound what they keep by
 * retention.
 */
public interface Recording {

    /**
     * Appends an image to its camera's recording.
     * @param durable return only once the frame and its index entry are on disk;
     * otherwise what the disk refuses is written behind, while the store keeps it
     * @throws java.io.UncheckedIOException when durable and the disk refused it (nothing
     * of it is kept)
     */
    void record(ReceivedImage image, boolean durable);

    /**
     * Appends a list to its sender's recording, as
     * {@link #record(ReceivedImage, boolean)}.
     */
    void record(ReceivedList list, boolean durable);

    /**
     * What the store no longer keeps: a recording that waits for a refusing disk need not
     * write it any more.
     */
    default void forget(List<?> evicted) {
    }

    /** The newest frames of all cameras together (newest first), bytes included. */
    List<ReceivedImage> newest(int count, long maxBytes);

    /** One entry per camera with anything recorded, busiest first. */
    List<CameraRecording> cameras();

    /** The continuous stretches of a camera's recording (its segments), oldest first. */
    List<Span> spans(String camera);

    /**
     * A camera's frames received in {@code [from, to)}, oldest first, at most
     * {@code limit}.
     */
    List<RecordedFrame> frames(String camera, Instant from, Instant to, int limit);

    /** The frame received at {@code at} or most recently before it. */
    Optional<RecordedFrame> frameAt(String camera, Instant at);

    /**
     * A recorded frame's bytes exactly as received.
     * @throws java.io.UncheckedIOException when its segment is gone (retention) or
     * unreadable
     */
    byte[] read(RecordedFrame frame);

    /**
     * Writes a sender's lists received in {@code [from, to)} as JSON lines, oldest first.
     * @return how many
     */
    long writeLists(String camera, Instant from, Instant to, OutputStream out);

    /**
     * A stretch of recording.
     *
     * @param from its first frame
     * @param to its last frame
     * @param frames how many
     */
    record Span(Instant from, Instant to, long frames) {
    }

}
