package dev.udpimage.stream;

import java.util.ArrayDeque;
import java.util.Deque;

import dev.udpimage.store.ImageMetadata;

/**
 * One stream's state in the hub: its newest frame, how many it had, and the times and
 * sizes of about the last two seconds' frames, from which its rates are reported. Guarded
 * by the hub's lock.
 */
final class StreamState {

    final String key;

    long frames;

    Frame latest;

    /**
     * When the frames of the last two seconds or so were received (ns since the epoch, by
     * the instance that received them: frames of another instance arrive here in batches)
     * and their sizes.
     */
    final Deque<long[]> recent = new ArrayDeque<>();

    long lastNanos;

    StreamState(String key) {
        this.key = key;
    }

    void add(Frame frame, long now, long epochNanos) {
        this.frames++;
        this.latest = frame;
        this.lastNanos = now;
        this.recent.addLast(new long[] { epochNanos, frame.metadata().bytes() });
        if (this.recent.size() > 512) {
            this.recent.pollFirst();
        }
    }

    StreamHub.StreamInfo info(long now, long epochNow, long offlineNanos) {
        while (!this.recent.isEmpty() && epochNow - this.recent.peekFirst()[0] > 2_000_000_000L) {
            this.recent.pollFirst();
        }
        double fps = 0;
        double bytesPerSecond = 0;
        if (this.recent.size() >= 2) {
            double seconds = (this.recent.peekLast()[0] - this.recent.peekFirst()[0]) / 1e9;
            fps = (this.recent.size() - 1) / seconds;
            bytesPerSecond = this.recent.stream().skip(1).mapToLong(r -> r[1]).sum() / seconds;
        }
        ImageMetadata image = this.latest.metadata();
        return new StreamHub.StreamInfo(this.key, this.frames, Math.round(fps * 10) / 10.0, Math.round(bytesPerSecond),
                image.receivedAt(), image.width(), image.height(), image.format(),
                now - this.lastNanos < Math.min(StreamHub.STOPPED_AFTER.toNanos(), offlineNanos),
                now - this.lastNanos < offlineNanos);
    }

}
