package dev.udpimage.flow;

import java.net.SocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.udpimage.protocol.Rejection;
import dev.udpimage.store.StoreProperties;

/**
 * Where the last steps of a flow (store, acknowledge, reply) run when the store waits on
 * the network ({@link dev.udpimage.store.ReceivedStore#blocksOnSave()}): off the port's
 * receive thread, which must keep draining its socket, on one of {@code workers} threads
 * chosen by the sender's address and port, so that one sender's items are stored and
 * answered in the order they arrived while one slow write holds up only its own worker.
 * Each worker queues at most {@code queue} items, and the items waiting hold at most
 * {@link #MAX_WAITING_BYTES} together; past either, {@link #handOff} refuses and the flow
 * answers {@code error: store busy} at once (counted) rather than stall the port or fill
 * the heap.
 */
final class StoreStage implements DisposableBean {

    /** Most bytes waiting in the workers' queues together. */
    static final long MAX_WAITING_BYTES = StoreProperties.WAITING_BYTES;

    private final ThreadPoolExecutor[] workers;

    /** Bytes handed off and not stored or refused yet. */
    private final AtomicLong waitingBytes = new AtomicLong();

    StoreStage(String port, int workers, int queue) {
        this.workers = new ThreadPoolExecutor[workers];
        for (int i = 0; i < workers; i++) {
            CustomizableThreadFactory threads = new CustomizableThreadFactory("store-" + port + "-" + i + "-");
            threads.setDaemon(true);
            this.workers[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                    threads, new ThreadPoolExecutor.AbortPolicy());
        }
    }

    /** What a flow's last steps are, on the worker. */
    interface Steps {

        /** Stores the item. @return its success reply */
        byte[] store();

        /** The error reply for a failed save (counted and logged). */
        byte[] refused(Rejection unavailable);

        /** Sends a reply. */
        void reply(byte[] reply, boolean error);

    }

    /**
     * Runs {@code steps} on the sender's worker: store, then the reply, or, if the save
     * fails, {@code error: store unavailable}. The caller goes on at once.
     * @param bytes what the item holds on the heap
     * @throws Rejection {@code store busy} when the sender's worker is full, or the
     * workers hold their bytes: nothing is stored
     */
    void handOff(SocketAddress sender, String what, long bytes, Steps steps) {
        // one item always gets through, however large: bounded by the transfers' limits
        if (this.waitingBytes.addAndGet(bytes) > MAX_WAITING_BYTES && this.waitingBytes.get() != bytes) {
            this.waitingBytes.addAndGet(-bytes);
            throw new Rejection(Rejection.Reason.STORE_BUSY, "store busy",
                    "the store workers hold " + MAX_WAITING_BYTES + " bytes waiting", null);
        }
        boolean taken = submit(sender, () -> {
            byte[] reply;
            boolean error = false;
            try {
                reply = steps.store();
            }
            catch (RuntimeException ex) {
                reply = steps.refused(new Rejection(Rejection.Reason.STORE_UNAVAILABLE, "store unavailable",
                        "storing " + what + " failed: " + ex, ex));
                error = true;
            }
            finally {
                this.waitingBytes.addAndGet(-bytes);
            }
            steps.reply(reply, error);
        });
        if (!taken) {
            this.waitingBytes.addAndGet(-bytes);
            throw new Rejection(Rejection.Reason.STORE_BUSY, "store busy",
                    "the store worker of this sender has udp.store.worker-queue items waiting", null);
        }
    }

    /**
     * @return whether the work was taken; false when the sender's worker is full
     */
    private boolean submit(SocketAddress sender, Runnable work) {
        int stripe = Math.floorMod(sender == null ? 0 : sender.hashCode(), this.workers.length);
        try {
            this.workers[stripe].execute(work);
            return true;
        }
        catch (RejectedExecutionException full) {
            return false;
        }
    }

    /**
     * Lets the workers finish what they were given (a reply promised is sent), for at
     * most 10 s.
     */
    @Override
    public void destroy() throws InterruptedException {
        for (ThreadPoolExecutor worker : this.workers) {
            worker.shutdown();
        }
        for (ThreadPoolExecutor worker : this.workers) {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

}
