package dev.udpimage.recording;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Consumer;

import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.ReceivedList;

/**
 * The recording as it is read, whatever the backend: what is recorded per camera, its
 * frames by time and their bytes, and the lists a sender sent. The one seam between the
 * backends (which record) and the recordings API, replay and exports. A camera is a
 * stream as {@code udp.streams.key} defines it. Implementations are thread-safe.
 * <p>
 * The paging rule, which every backend keeps: a camera's listed frame times strictly
 * increase and never change once listed ({@link IndexTimes}), so the page after a frame
 * starts one microsecond after it ({@link #pages}) and no frame is skipped or listed
 * twice.
 */
public interface RecordingReader {

    /** One entry per camera with anything recorded, busiest first. */
    List<CameraRecording> cameras();

    /** The continuous stretches of a camera's recording (its segments), oldest first. */
    List<Span> spans(String camera);

    /**
     * A camera's frames listed in {@code [from, to)}, oldest first, at most
     * {@code limit}.
     */
    List<RecordedFrame> frames(String camera, Instant from, Instant to, int limit);

    /** The frame listed at {@code at} or most recently before it. */
    Optional<RecordedFrame> frameAt(String camera, Instant at);

    /**
     * A recorded frame's bytes exactly as received.
     * @throws java.io.UncheckedIOException when its segment is gone (retention) or
     * unreadable
     */
    byte[] read(RecordedFrame frame);

    /**
     * A sender's lists received in {@code [from, to)}, oldest first, each handed to
     * {@code each} as it is read (a long stretch is never held whole).
     * @return how many
     */
    long lists(String camera, Instant from, Instant to, Consumer<ReceivedList> each);

    /** The list the sender sent at {@code at}, or last before it. */
    Optional<ReceivedList> listAt(String camera, Instant at);

    /**
     * A camera's frames in {@code [from, to)}, page by page ({@code size} frames a page,
     * the last one shorter), each page read when it is asked for.
     */
    default Iterable<List<RecordedFrame>> pages(String camera, Instant from, Instant to, int size) {
        return () -> new Iterator<>() {

            private Instant cursor = from;

            private List<RecordedFrame> next;

            private boolean done;

            @Override
            public boolean hasNext() {
                if (this.next == null && !this.done && this.cursor.isBefore(to)) {
                    this.next = frames(camera, this.cursor, to, size);
                    if (this.next.size() < size) {
                        this.done = true;
                    }
                    else {
                        this.cursor = IndexTimes.after(this.next.get(this.next.size() - 1).receivedAt());
                    }
                    if (this.next.isEmpty()) {
                        this.next = null;
                    }
                }
                return this.next != null;
            }

            @Override
            public List<RecordedFrame> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<RecordedFrame> page = this.next;
                this.next = null;
                return page;
            }

        };
    }

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
