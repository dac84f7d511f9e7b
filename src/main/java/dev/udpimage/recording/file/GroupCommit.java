package dev.udpimage.recording.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Forces appended files to disk on a thread of its own: whoever waits for an append to be
 * durable shares one {@code fsync} per file with everyone who appended meanwhile (group
 * commit), and what nobody waits for is forced within the flush delay. A file closed
 * before its turn was forced by whoever closed it (a sealed segment).
 */
final class GroupCommit implements AutoCloseable {

    private final Object lock = new Object();

    /** Guarded by {@link #lock}. */
    private Set<FileChannel> dirty = new LinkedHashSet<>();

    /** Guarded by {@link #lock}. */
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();

    private final long flushNanos;

    private final long timeoutSeconds;

    private final Thread thread;

    private final Forced forced;

    private boolean closing;

    /** Why the thread ended by a failure; from then on every wait fails at once. */
    private IOException died;

    /** Hears how each force went. */
    interface Forced {

        void succeeded();

        void failed(IOException why);

        /** The thread is gone: nothing will be forced until a restart. */
        void stopped(IOException why);

    }

    GroupCommit(String name, long flushNanos, long timeoutSeconds, Forced forced) {
        this.flushNanos = flushNanos;
        this.timeoutSeconds = timeoutSeconds;
        this.forced = forced;
        this.thread = new Thread(this::runGuarded, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Something was appended to {@code file}: force it within the flush delay. */
    void dirty(FileChannel file) {
        synchronized (this.lock) {
            this.dirty.add(file);
        }
    }

    /**
     * Returns once what was appended to {@code file} so far is on disk.
     * @throws UncheckedIOException when it could not be forced, or not in time
     */
    void await(FileChannel file) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this.lock) {
            if (this.died != null) {
                throw new UncheckedIOException(this.died);
            }
            if (this.closing) {
                throw new UncheckedIOException(new IOException("the recording is closing"));
            }
            this.dirty.add(file);
            this.waiting.add(done);
            this.lock.notifyAll();
        }
        try {
            done.get(this.timeoutSeconds, TimeUnit.SECONDS);
        }
        catch (ExecutionException ex) {
            throw ex.getCause() instanceof UncheckedIOException io ? io
                    : new UncheckedIOException(new IOException(ex.getCause()));
        }
        catch (TimeoutException ex) {
            throw new UncheckedIOException(
                    new IOException("not on disk within " + this.timeoutSeconds + " s: the disk hangs"));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for the disk", ex));
        }
    }

    /**
     * The thread, guarded: if it ever ends by a failure (any Throwable), every wait,
     * waiting or to come, fails at once instead of waiting for a thread that is gone.
     */
    private void runGuarded() {
        try {
            run();
        }
        catch (Throwable ex) {
            IOException why = new IOException("the recording's commit thread stopped: " + ex, ex);
            List<CompletableFuture<Void>> waiters;
            synchronized (this.lock) {
                this.died = why;
                waiters = this.waiting;
                this.waiting = new ArrayList<>();
            }
            this.forced.stopped(why);
            waiters.forEach(waiter -> waiter.completeExceptionally(new UncheckedIOException(why)));
        }
    }

    private void run() {
        while (true) {
            Set<FileChannel> files;
            List<CompletableFuture<Void>> waiters;
            synchronized (this.lock) {
                long deadline = System.nanoTime() + this.flushNanos;
                while (this.waiting.isEmpty() && !this.closing) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 && !this.dirty.isEmpty()) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this.lock, left > 0 ? left : this.flushNanos);
                    }
                    catch (InterruptedException ex) {
                        return;
                    }
                    if (left <= 0) {
                        deadline = System.nanoTime() + this.flushNanos;
                    }
                }
                files = this.dirty;
                waiters = this.waiting;
                this.dirty = new LinkedHashSet<>();
                this.waiting = new ArrayList<>();
                if (this.closing && files.isEmpty() && waiters.isEmpty()) {
                    return;
                }
            }
            IOException failure = forceAll(files);
            for (CompletableFuture<Void> waiter : waiters) {
                if (failure == null) {
                    waiter.complete(null);
                }
                else {
                    waiter.completeExceptionally(new UncheckedIOException(failure));
                }
            }
        }
    }

    private IOException forceAll(Set<FileChannel> files) {
        IOException failure = null;
        for (FileChannel file : files) {
            try {
                file.force(false);
            }
            catch (ClosedChannelException ex) {
                // sealed meanwhile: forced by the seal
            }
            catch (IOException ex) {
                failure = ex;
            }
        }
        if (failure == null) {
            if (!files.isEmpty()) {
                this.forced.succeeded();
            }
        }
        else {
            this.forced.failed(failure);
        }
        return failure;
    }

    /** Forces what is left, then stops. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this.lock) {
            this.closing = true;
            this.lock.notifyAll();
        }
        this.thread.join(TimeUnit.SECONDS.toMillis(this.timeoutSeconds));
    }

}
