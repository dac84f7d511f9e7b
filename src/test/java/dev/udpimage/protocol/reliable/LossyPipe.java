package dev.udpimage.protocol.reliable;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One direction of an impaired in-memory datagram path: seeded loss, reordering (a datagram is held back and
 * delivered after the next one), duplication and corruption (one byte flipped).
 */
final class LossyPipe {

    record Impairment(double loss, double reorder, double duplicate, double corrupt) {

        static final Impairment NONE = new Impairment(0, 0, 0, 0);
    }

    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

    private final Random random;

    private final Impairment impairment;

    private byte[] held;

    long delivered;

    long dropped;

    LossyPipe(Impairment impairment, long seed) {
        this.impairment = impairment;
        this.random = new Random(seed);
    }

    synchronized void send(byte[] datagram) {
        if (this.random.nextDouble() < this.impairment.loss()) {
            this.dropped++;
            return;
        }
        byte[] copy = datagram.clone();
        if (this.random.nextDouble() < this.impairment.corrupt()) {
            copy[this.random.nextInt(copy.length)] ^= (byte) (1 + this.random.nextInt(255));
        }
        if (this.held == null && this.random.nextDouble() < this.impairment.reorder()) {
            this.held = copy; // goes out after the next one
            return;
        }
        deliver(copy);
        if (this.random.nextDouble() < this.impairment.duplicate()) {
            deliver(copy.clone());
        }
        if (this.held != null) {
            deliver(this.held);
            this.held = null;
        }
    }

    private void deliver(byte[] datagram) {
        this.delivered++;
        this.queue.add(datagram);
    }

    byte[] receive(Duration timeout) throws InterruptedException {
        return this.queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
