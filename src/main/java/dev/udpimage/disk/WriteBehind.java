package dev.udpimage.disk;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * What waits to be written, in order, and the one thread that writes it behind the
 * receive path. The thread is not woken for each item: once woken it gathers for a
 * moment, then writes everything that waits in one batch ({@link Sink#write}), so that a
 * fast sender costs one wake-up and a few system calls per batch, not per item.
 * <p>
 * While the disk takes writes, at most {@code maxBytes} wait: a caller that finds no room
 * waits for it (the writer drains at the disk's speed), so memory stays bounded and
 * nothing is dropped. While the disk refuses, callers never wait: what waits is kept (the
 * oldest dropped, and reported, past the limits for that time, which match what the store
 * keeps in memory anyway) and tried again every second, and while nothing waits a probe
 * stands in for it, so that health comes back without a sender having to fail first.
 *
 * @param <T> what is written
 */
public final class WriteBehind<T> implements AutoCloseable {

    /** Writes batches. */
    public interface Sink<T> {

        /**
         * Writes a batch, in order.
         * @throws Refused when the disk refused an item (those before it are written)
         */
        void write(List<T> batch) throws Refused;

    }

    /** The disk refused an item of a batch; those before it were written. */
    public static final class Refused extends Exception {

        private final int written;

        public Refused(int written, IOException cause) {
            super(cause);
            this.written = written;
        }

        public int written() {
            return this.written;
        }

        public IOException why() {
            return (IOException) getCause();
        }

    }

    /** Hears how writing goes. */
    public interface Outcome<T> {

        /** A batch was written after the disk had refused. */
        void recovered();

        void refused(IOException why);

        /** The disk refused for so long that {@code item} had to be given up. */
        void dropped(T item);

        /**
         * A second without anything to write while the disk refused (or while
         * {@link #unhealthy}): try it.
         * @return whether the disk takes writes again
         */
        boolean probe();

        /**
         * Whether the disk is known to refuse for another reason (a durable write
         * failed): then it is probed too, every second while nothing waits.
         */
        default boolean unhealthy() {
            return false;
        }

    }

    /**
     * @param maxBytes most bytes waiting while the disk takes writes; a caller waits for
     * room past it
     * @param maxItemsRefused most items waiting while the disk refuses; the oldest is
     * dropped past it
     * @param maxBytesRefused most bytes waiting while the disk refuses
     * @param maxBatch most items written in one batch
     */
    public record Limits(long maxBytes, int maxItemsRefused, long maxBytesRefused, int maxBatch) {
    }

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Object lock = new Object();

    /** Oldest first; in flight too, until written. Guarded by {@link #lock}. */
    private final Set<T> queue = new LinkedHashSet<>();

    /** What the writer is writing now. Guarded by {@link #lock}. */
    private final Set<T> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Bytes of what is in {@link #queue}. Guarded by {@link #lock}. */
    private long bytes;

    /** Whether the writer waits for work with nothing to do. Guarded by {@link #lock}. */
    private boolean idle;

    /** Whether the disk refused the last write. Guarded by {@link #lock}. */
    private boolean refusing;

    private boolean closing;

    private final Sink<T> sink;

    private final ToLongFunction<T> size;

    private final long gatherNanos;

    private final Limits limits;

    private final Outcome<T> outcome;

    private final Thread writer;

    /**
     * @param gather how long the woken writer waits for more before it writes
     */
    public WriteBehind(String name, Sink<T> sink, ToLongFunction<T> size, Duration gather, Limits limits,
            Outcome<T> outcome) {
        this.sink = sink;
        this.size = size;
        this.gatherNanos = gather.toNanos();
        this.limits = limits;
        this.outcome = outcome;
        this.writer = new Thread(this::run, name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Hands an item to the writer; waits for room while the disk takes writes and
     * {@code maxBytes} wait, never while it refuses.
     */
    public void add(T item) {
        long itemBytes = this.size.applyAsLong(item);
        synchronized (this.lock) {
            while (!this.refusing && !this.closing && this.bytes > 0
                    && this.bytes + itemBytes > this.limits.maxBytes()) {
                this.lock.notifyAll(); // the writer may be gathering: write now
                try {
                    this.lock.wait(100);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            boolean wasBelowHalf = this.bytes < this.limits.maxBytes() / 2;
            if (!this.queue.add(item)) {
                return;
            }
            this.bytes += itemBytes;
            if (this.refusing) {
                dropPastLimits();
            }
            // the writer is woken when it has nothing to do, or when half the room is
            // taken
            if (this.idle || (wasBelowHalf && this.bytes >= this.limits.maxBytes() / 2)) {
                this.lock.notifyAll();
            }
        }
    }

    /**
     * Takes back an item not yet written (nor being written): it will not be.
     * @return whether it was taken back
     */
    public boolean remove(T item) {
        synchronized (this.lock) {
            if (this.inFlight.contains(item) || !this.queue.remove(item)) {
                return false;
            }
            this.bytes -= this.size.applyAsLong(item);
            this.lock.notifyAll();
            return true;
        }
    }

    /** Items waiting, in flight included. */
    public int waiting() {
        synchronized (this.lock) {
            return this.queue.size();
        }
    }

    /** Whether the disk refused the last write. */
    public boolean refusing() {
        synchronized (this.lock) {
            return this.refusing;
        }
    }

    private void dropPastLimits() {
        Iterator<T> oldest = this.queue.iterator();
        while ((this.queue.size() > this.limits.maxItemsRefused() || this.bytes > this.limits.maxBytesRefused())
                && oldest.hasNext()) {
            T item = oldest.next();
            if (!this.inFlight.contains(item)) {
                oldest.remove();
                this.bytes -= this.size.applyAsLong(item);
                this.outcome.dropped(item);
            }
        }
    }

    private void run() {
        while (true) {
            List<T> batch;
            synchronized (this.lock) {
                if (!awaitWork()) {
                    return;
                }
                if (this.queue.isEmpty()) {
                    batch = null; // a second of refusal without work: probe
                }
                else {
                    batch = new ArrayList<>(Math.min(this.queue.size(), this.limits.maxBatch()));
                    for (T item : this.queue) {
                        if (batch.size() == this.limits.maxBatch()) {
                            break;
                        }
                        batch.add(item);
                    }
                    this.inFlight.addAll(batch);
                }
            }
            if (batch == null) {
                if (this.outcome.probe()) {
                    synchronized (this.lock) {
                        this.refusing = false;
                    }
                }
                continue;
            }
            Refused refused = null;
            try {
                this.sink.write(batch);
            }
            catch (Refused ex) {
                refused = ex;
            }
            catch (RuntimeException ex) {
                refused = new Refused(0, new IOException(ex));
            }
            int written = refused == null ? batch.size() : refused.written();
            boolean recovered;
            synchronized (this.lock) {
                for (int i = 0; i < written; i++) {
                    T item = batch.get(i);
                    if (this.queue.remove(item)) {
                        this.bytes -= this.size.applyAsLong(item);
                    }
                }
                this.inFlight.clear();
                recovered = refused == null && this.refusing;
                this.refusing = refused != null;
                if (this.refusing) {
                    dropPastLimits();
                }
                this.lock.notifyAll();
            }
            if (recovered) {
                this.outcome.recovered();
            }
            if (refused != null) {
                this.outcome.refused(refused.why());
                if (!retryLater()) {
                    return;
                }
            }
        }
    }

    /**
     * Waits for something to write, and then for more to gather; while the disk refuses,
     * for a second at most. Holds the lock.
     * @return false when closing and nothing is left
     */
    private boolean awaitWork() {
        try {
            while (this.queue.isEmpty() && !this.closing) {
                this.idle = true;
                // a look once a second with nothing to do: is there a failing disk to
                // probe?
                TimeUnit.NANOSECONDS.timedWait(this.lock, RETRY_NANOS);
                if (this.queue.isEmpty() && !this.closing && (this.refusing || this.outcome.unhealthy())) {
                    this.idle = false;
                    return true; // time to probe
                }
            }
            this.idle = false;
            long deadline = System.nanoTime() + this.gatherNanos;
            long left;
            while (!this.closing && this.bytes < this.limits.maxBytes() / 2
                    && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this.lock, left);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !this.queue.isEmpty() || !this.closing;
    }

    /**
     * After a refusal: waits a second before the next try.
     * @return false when closing (what waits is reported and given up)
     */
    private boolean retryLater() {
        synchronized (this.lock) {
            if (this.closing) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this.lock, RETRY_NANOS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
            return true;
        }
    }

    /**
     * Writes what waits (unless the disk refuses), then stops; waits at most
     * {@code timeout}.
     * @return how many items were left unwritten
     */
    public int close(Duration timeout) throws InterruptedException {
        synchronized (this.lock) {
            this.closing = true;
            this.lock.notifyAll();
        }
        this.writer.join(timeout.toMillis());
        return waiting();
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(30));
    }

}
