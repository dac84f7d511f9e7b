package dev.udpimage.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes things durable on a thread of its own, in batches: whoever waits for an item
 * ({@link #await}) shares one commit with everyone who asked meanwhile (group commit),
 * and what nobody waits for ({@link #later}) is committed within the flush delay. What a
 * commit does is the {@link Committer}'s: force the files appended to, or write, force
 * and rename an item's files. If the thread ever ends by a failure (any Throwable), every
 * wait, waiting or to come, fails at once instead of waiting for a thread that is gone.
 *
 * @param <T> what is committed: a file, an item
 */
public final class GroupCommit<T> implements AutoCloseable {

    /** Commits a batch. */
    public interface Committer<T> {

        /**
         * Makes every item of {@code batch} durable.
         * @param failed told of an item that could not be (the others are)
         * @throws IOException when none could be
         */
        void commit(Set<T> batch, Failed<T> failed) throws IOException;

    }

    /** One item of a batch that could not be committed. */
    public interface Failed<T> {

        void failed(T item, IOException why);

    }

    /** Hears how commits go. */
    public interface Outcome {

        void succeeded();

        void failed(IOException why);

        /** The thread is gone: nothing will be committed until a restart. */
        void stopped(IOException why);

    }

    private final Object lock = new Object();

    /** Guarded by {@link #lock}. */
    private Set<T> pending = new LinkedHashSet<>();

    /** Who waits for what. Guarded by {@link #lock}. */
    private Map<T, CompletableFuture<Void>> waiting = new HashMap<>();

    private final long flushNanos;

    private final Duration timeout;

    private final Committer<T> committer;

    private final Outcome outcome;

    private final Thread thread;

    private boolean closing;

    /** Why the thread ended by a failure; from then on every wait fails at once. */
    private IOException died;

    /**
     * @param flushDelay what nobody waits for is committed within this long
     * @param timeout the longest a wait lasts before it fails (the disk hangs)
     */
    public GroupCommit(String name, Duration flushDelay, Duration timeout, Committer<T> committer, Outcome outcome) {
        this.flushNanos = flushDelay.toNanos();
        this.timeout = timeout;
        this.committer = committer;
        this.outcome = outcome;
        this.thread = new Thread(this::runGuarded, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Commit {@code item} within the flush delay. */
    public void later(T item) {
        synchronized (this.lock) {
            this.pending.add(item);
        }
    }

    /**
     * Returns once {@code item} is committed.
     * @throws UncheckedIOException when it could not be, or not in time
     */
    public void await(T item) {
        CompletableFuture<Void> done;
        synchronized (this.lock) {
            if (this.died != null) {
                throw new UncheckedIOException(this.died);
            }
            if (this.closing) {
                throw new UncheckedIOException(new IOException("closing"));
            }
            this.pending.add(item);
            done = this.waiting.computeIfAbsent(item, key -> new CompletableFuture<>());
            this.lock.notifyAll();
        }
        try {
            done.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException ex) {
            throw ex.getCause() instanceof UncheckedIOException io ? io
                    : new UncheckedIOException(new IOException(ex.getCause()));
        }
        catch (TimeoutException ex) {
            throw new UncheckedIOException(
                    new IOException("not on disk within " + this.timeout.toSeconds() + " s: the disk hangs"));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for the disk", ex));
        }
    }

    private void runGuarded() {
        try {
            run();
        }
        catch (Throwable ex) {
            IOException why = new IOException(this.thread.getName() + ": the commit thread stopped: " + ex, ex);
            Map<T, CompletableFuture<Void>> waiters;
            synchronized (this.lock) {
                this.died = why;
                waiters = this.waiting;
                this.waiting = new HashMap<>();
            }
            this.outcome.stopped(why);
            waiters.values().forEach(waiter -> waiter.completeExceptionally(new UncheckedIOException(why)));
        }
    }

    private void run() throws InterruptedException {
        while (true) {
            Set<T> batch;
            Map<T, CompletableFuture<Void>> waiters;
            synchronized (this.lock) {
                long deadline = System.nanoTime() + this.flushNanos;
                while (this.waiting.isEmpty() && !this.closing) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        if (!this.pending.isEmpty()) {
                            break;
                        }
                        deadline = System.nanoTime() + this.flushNanos;
                        left = this.flushNanos;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this.lock, left);
                }
                batch = this.pending;
                waiters = this.waiting;
                this.pending = new LinkedHashSet<>();
                this.waiting = new HashMap<>();
                if (this.closing && batch.isEmpty()) {
                    return;
                }
            }
            try {
                commit(batch, waiters);
            }
            catch (RuntimeException | Error ex) {
                // whoever waits for this batch hears of it too (runGuarded fails the
                // rest)
                IOException why = new IOException(this.thread.getName() + ": the commit thread stopped: " + ex, ex);
                waiters.values().forEach(waiter -> waiter.completeExceptionally(new UncheckedIOException(why)));
                throw ex;
            }
        }
    }

    private void commit(Set<T> batch, Map<T, CompletableFuture<Void>> waiters) {
        Map<T, IOException> failures = new HashMap<>();
        IOException all = null;
        try {
            this.committer.commit(batch, failures::put);
        }
        catch (IOException ex) {
            all = ex;
        }
        IOException first = all != null ? all : failures.values().stream().findFirst().orElse(null);
        if (first == null) {
            if (!batch.isEmpty()) {
                this.outcome.succeeded();
            }
        }
        else {
            this.outcome.failed(first);
        }
        for (Map.Entry<T, CompletableFuture<Void>> waiter : waiters.entrySet()) {
            IOException why = all != null ? all : failures.get(waiter.getKey());
            if (why == null) {
                waiter.getValue().complete(null);
            }
            else {
                waiter.getValue().completeExceptionally(new UncheckedIOException(why));
            }
        }
    }

    /** Commits what is left, then stops. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this.lock) {
            this.closing = true;
            this.lock.notifyAll();
        }
        this.thread.join(this.timeout.toMillis());
    }

}
