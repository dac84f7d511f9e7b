package dev.udpimage.limit;

/**
 * A token bucket: holds at most {@code capacity} tokens, gains {@code perSecond} a
 * second, starts full. Not thread-safe: its owner serialises calls.
 */
public final class TokenBucket {

    private final double capacity;

    private final double perNano;

    private double tokens;

    private long updatedNanos;

    public TokenBucket(double capacity, double perSecond, long nowNanos) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.tokens = capacity;
        this.updatedNanos = nowNanos;
    }

    /** Takes {@code amount} tokens if the bucket holds them. */
    public boolean tryTake(double amount, long nowNanos) {
        refill(nowNanos);
        if (this.tokens < amount) {
            return false;
        }
        this.tokens -= amount;
        return true;
    }

    /** The tokens held now. */
    public double available(long nowNanos) {
        refill(nowNanos);
        return this.tokens;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - this.updatedNanos;
        if (elapsed > 0) {
            this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perNano);
            this.updatedNanos = nowNanos;
        }
    }

}
