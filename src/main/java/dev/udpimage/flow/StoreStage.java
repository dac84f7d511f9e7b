package dev.udpimage.flow;

import java.net.SocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Where the last steps of a flow (store, acknowledge, reply) run when the store waits on
 * the network ({@link dev.udpimage.store.ReceivedStore#waitsOnNetwork()}): off the port's
 * receive thread, which must keep draining its socket, on one of {@code workers} threads
 * chosen by the sender's address and port, so that one sender's items are stored and
 * answered in the order they arrived while one slow write holds up only its own worker.
 * Each worker queues at most {@code queue} items; past that, {@link #submit} refuses and
 * the flow answers {@code error: store busy} at once (counted) rather than stall the
 * port.
 */
final class StoreStage implements DisposableBean {

    private final ThreadPoolExecutor[] workers;

    StoreStage(String port, int workers, int queue) {
        this.workers = new ThreadPoolExecutor[workers];
        for (int i = 0; i < workers; i++) {
            CustomizableThreadFactory threads = new CustomizableThreadFactory("store-" + port + "-" + i + "-");
            threads.setDaemon(true);
            this.workers[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                    threads, new ThreadPoolExecutor.AbortPolicy());
        }
    }

    /**
     * @return whether the work was taken; false when the sender's worker is full
     */
    boolean submit(SocketAddress sender, Runnable work) {
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
