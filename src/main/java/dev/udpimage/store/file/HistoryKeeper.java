package dev.udpimage.store.file;

import java.util.List;

import dev.udpimage.recording.Recorder;
import dev.udpimage.store.Received;

/**
 * Where the history's items go to survive a restart: the recording (which keeps every
 * frame and list by its own retention), or, with the recording off, the history's own
 * directory (which keeps what the history keeps).
 */
interface HistoryKeeper extends AutoCloseable {

    /** Keeps an item behind; {@code evicted} left the history for it. */
    void keep(Received item, List<? extends Received> evicted);

    /**
     * Keeps an item and returns once it is on disk.
     * @throws java.io.UncheckedIOException when the disk refused it
     */
    void keepDurably(Received item, List<? extends Received> evicted);

    /** What the history let go of at start (more was found than it keeps). */
    default void forget(List<? extends Received> evicted) {
    }

    /** What to put back in the history at start, oldest first. */
    Recorder.Recent recent(int count, long maxBytes);

    @Override
    void close() throws InterruptedException;

    /** Nothing survives a restart ({@code udp.store.dir} empty). */
    HistoryKeeper MEMORY = new HistoryKeeper() {

        @Override
        public void keep(Received item, List<? extends Received> evicted) {
        }

        @Override
        public void keepDurably(Received item, List<? extends Received> evicted) {
        }

        @Override
        public Recorder.Recent recent(int count, long maxBytes) {
            return new Recorder.Recent(List.of(), List.of());
        }

        @Override
        public void close() {
        }

    };

    /** The recording keeps everything: the history's evictions are nothing to it. */
    static HistoryKeeper of(Recorder recorder) {
        return new HistoryKeeper() {

            @Override
            public void keep(Received item, List<? extends Received> evicted) {
                if (item instanceof dev.udpimage.store.ReceivedImage image) {
                    recorder.record(image);
                }
                else {
                    recorder.record((dev.udpimage.store.ReceivedList) item);
                }
            }

            @Override
            public void keepDurably(Received item, List<? extends Received> evicted) {
                if (item instanceof dev.udpimage.store.ReceivedImage image) {
                    recorder.recordDurably(image);
                }
                else {
                    recorder.recordDurably((dev.udpimage.store.ReceivedList) item);
                }
            }

            @Override
            public Recorder.Recent recent(int count, long maxBytes) {
                return recorder.recent(count, maxBytes);
            }

            @Override
            public void close() {
                // the recording closes itself
            }

        };
    }

}
