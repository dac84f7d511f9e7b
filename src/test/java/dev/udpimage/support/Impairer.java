package dev.udpimage.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded datagram impairment for one direction of a path: loss, reordering (a datagram is
 * held back and delivered after the next one), duplication and corruption (one byte
 * changed).
 */
public final class Impairer {

    public record Rates(double loss, double reorder, double duplicate, double corrupt) {

        public static final Rates NONE = new Rates(0, 0, 0, 0);

    }

    private final Rates rates;

    private final Random random;

    private byte[] held;

    private long dropped;

    private long passed;

    public Impairer(Rates rates, long seed) {
        this.rates = rates;
        this.random = new Random(seed);
    }

    /**
     * What to deliver now for this datagram (possibly nothing, possibly a held-back one
     * too).
     */
    public synchronized List<byte[]> apply(byte[] datagram) {
        List<byte[]> out = new ArrayList<>(3);
        if (this.random.nextDouble() < this.rates.loss()) {
            this.dropped++;
            return out;
        }
        byte[] copy = datagram.clone();
        if (copy.length > 0 && this.random.nextDouble() < this.rates.corrupt()) {
            copy[this.random.nextInt(copy.length)] ^= (byte) (1 + this.random.nextInt(255));
        }
        if (this.held == null && this.random.nextDouble() < this.rates.reorder()) {
            this.held = copy;
            return out;
        }
        out.add(copy);
        if (this.random.nextDouble() < this.rates.duplicate()) {
            out.add(copy.clone());
        }
        if (this.held != null) {
            out.add(this.held);
            this.held = null;
        }
        this.passed += out.size();
        return out;
    }

    public synchronized long dropped() {
        return this.dropped;
    }

    public synchronized long passed() {
        return this.passed;
    }

}
