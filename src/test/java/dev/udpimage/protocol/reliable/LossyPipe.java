package dev.udpimage.protocol.reliable;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.udpimage.support.Impairer;

/** One direction of an impaired in-memory datagram path. */
final class LossyPipe {

    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

    private final Impairer impairer;

    LossyPipe(Impairer.Rates rates, long seed) {
        this.impairer = new Impairer(rates, seed);
    }

    void send(byte[] datagram) {
        this.queue.addAll(this.impairer.apply(datagram));
    }

    byte[] receive(Duration timeout) throws InterruptedException {
        return this.queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

}
