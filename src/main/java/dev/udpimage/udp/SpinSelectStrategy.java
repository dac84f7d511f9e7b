package dev.udpimage.udp;

import java.time.Duration;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

/**
 * Polls for ready datagrams until {@code spin} has passed without any, then sleeps in the
 * selector (epoll or NIO). Tasks (sends from other threads, stop and start) are run
 * between polls. A stop-and-wait sender's next datagram, or its next image after the
 * reply, then finds the port's thread awake. A spin of 0 is Netty's default strategy:
 * sleep at once.
 */
final class SpinSelectStrategy implements SelectStrategy {

    private final long spinNanos;

    private long lastReady = System.nanoTime();

    private SpinSelectStrategy(long spinNanos) {
        this.spinNanos = spinNanos;
    }

    static SelectStrategyFactory factory(Duration spin) {
        long spinNanos = spin.toNanos();
        return () -> new SpinSelectStrategy(spinNanos);
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (this.spinNanos == 0) { // Netty's default
            return hasTasks ? selectNow.get() : SelectStrategy.SELECT;
        }
        int ready = selectNow.get();
        long now = System.nanoTime();
        if (ready > 0) {
            this.lastReady = now;
            return ready;
        }
        if (hasTasks) {
            return 0;
        }
        if (now - this.lastReady < this.spinNanos) {
            Thread.onSpinWait();
            return SelectStrategy.CONTINUE;
        }
        return SelectStrategy.SELECT;
    }

}
