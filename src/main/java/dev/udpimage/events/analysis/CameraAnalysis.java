package dev.udpimage.events.analysis;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.udpimage.events.Snapshot;
import dev.udpimage.motion.MotionDetector;
import dev.udpimage.motion.MotionSettings;
import dev.udpimage.store.ReceivedImage;

/**
 * One camera's analysis: its slot (the frame waiting, written by the receive path), its
 * detector and the frames that may become its event's snapshot (read and written by the
 * analysis thread alone).
 */
final class CameraAnalysis {

    final String key;

    final MotionSettings settings;

    /** The frame waiting for the analysis; replaced by a newer one. */
    final AtomicReference<ReceivedImage> pending = new AtomicReference<>();

    /** Whether it is in the ready queue. */
    final AtomicBoolean queued = new AtomicBoolean();

    private final long minIntervalNanos;

    private volatile long acceptedNanos = Long.MIN_VALUE / 2;

    // ---- the analysis thread's alone

    private MotionDetector detector;

    /** The open event's id, or -1. */
    long eventId = -1;

    /**
     * The latest frames with motion before an event opens (its first frames), one of
     * which may be its first peak; then the peak frame alone.
     */
    private final Deque<Frame> candidates = new ArrayDeque<>();

    private long candidateBytes;

    /** The peak frame whose snapshot was given last. */
    private long snapshotMicros = Long.MIN_VALUE;

    private Frame last;

    private record Frame(long micros, ReceivedImage image) {
    }

    CameraAnalysis(String key, MotionSettings settings, int maxFps) {
        this.key = key;
        this.settings = settings;
        this.minIntervalNanos = TimeUnit.SECONDS.toNanos(1) / maxFps;
    }

    /** Whether a frame arriving now is analysed ({@code max-fps}); if so, notes it. */
    boolean accepts(long nowNanos) {
        // a frame due within a tenth of the interval is taken: a camera at exactly
        // max-fps is analysed at its rate despite jitter
        if (nowNanos - this.acceptedNanos < this.minIntervalNanos - this.minIntervalNanos / 10) {
            return false;
        }
        this.acceptedNanos = nowNanos;
        return true;
    }

    MotionDetector detector() {
        if (this.detector == null) {
            this.detector = new MotionDetector(this.settings);
        }
        return this.detector;
    }

    boolean hasOpenEvent() {
        return this.detector != null && this.detector.openEvent().isPresent();
    }

    /**
     * After the detector took a frame: keeps it while it may become a snapshot (a frame
     * with motion), within {@code maxBytes} for all cameras together.
     */
    void noteFrame(ReceivedImage image, long micros, AtomicLong held, long maxBytes) {
        this.last = new Frame(micros, image);
        boolean moving = this.detector.lastFrame() != null && this.detector.lastFrame().moving();
        var open = this.detector.openEvent();
        if (open.isPresent()) {
            // the peak is all that can be a snapshot now
            if (open.get().peakMicros() == micros) {
                clear(held);
                keep(new Frame(micros, image), held, maxBytes);
            }
        }
        else if (moving) {
            while (this.candidates.size() >= this.settings.minFrames()) {
                drop(this.candidates.removeFirst(), held);
            }
            keep(new Frame(micros, image), held, maxBytes);
        }
        else {
            clear(held);
        }
    }

    private void keep(Frame frame, AtomicLong held, long maxBytes) {
        long bytes = frame.image().original().length;
        if (held.addAndGet(bytes) > maxBytes) {
            held.addAndGet(-bytes);
            return; // the last frame stands in
        }
        this.candidates.addLast(frame);
        this.candidateBytes += bytes;
    }

    private void drop(Frame frame, AtomicLong held) {
        long bytes = frame.image().original().length;
        held.addAndGet(-bytes);
        this.candidateBytes -= bytes;
    }

    private void clear(AtomicLong held) {
        held.addAndGet(-this.candidateBytes);
        this.candidateBytes = 0;
        this.candidates.clear();
    }

    /**
     * The snapshot of the peak at {@code peakMicros}, if it is not the one given last.
     * @return null when the peak did not change
     */
    Snapshot newPeak(long peakMicros) {
        if (peakMicros == this.snapshotMicros) {
            return null;
        }
        for (Frame frame : this.candidates) {
            if (frame.micros() == peakMicros) {
                this.snapshotMicros = peakMicros;
                return snapshot(frame);
            }
        }
        return null;
    }

    /** The last frame analysed, standing in for a peak no longer held. */
    Snapshot lastSnapshot() {
        return this.last == null ? null : snapshot(this.last);
    }

    void eventEnded(AtomicLong held) {
        clear(held);
        this.snapshotMicros = Long.MIN_VALUE;
    }

    private static Snapshot snapshot(Frame frame) {
        return new Snapshot(frame.image().original(), frame.image().metadata().format());
    }

}
