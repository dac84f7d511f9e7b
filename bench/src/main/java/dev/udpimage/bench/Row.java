package dev.udpimage.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One measured workload.
 *
 * @param socketDrops datagrams the kernel dropped on the receiver's full sockets
 * meanwhile; -1 if unknown
 */
public record Row(String workload, String target, int sent, int completed, long bytes, double seconds,
        long[] latenciesNanos, long socketDrops) {

    Row(String workload, String target, int sent, int completed, long bytes, double seconds, long[] latenciesNanos) {
        this(workload, target, sent, completed, bytes, seconds, latenciesNanos, -1);
    }

    Row withSocketDrops(long drops) {
        return new Row(this.workload, this.target, this.sent, this.completed, this.bytes, this.seconds,
                this.latenciesNanos, drops);
    }

    /** completed/sent, and the socket drops if there were any. */
    String completedOfSent() {
        return this.completed + "/" + this.sent
                + (this.socketDrops > 0 ? String.format(Locale.ROOT, " (%,d dropped)", this.socketDrops) : "");
    }

    double perSecond() {
        return this.completed / this.seconds;
    }

    double megabytesPerSecond() {
        return this.completed * (double) this.bytes / this.seconds / 1e6;
    }

    double percentileMs(double p) {
        if (this.latenciesNanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = this.latenciesNanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
