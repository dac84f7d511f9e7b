package dev.udpimage.flow;

import java.net.SocketAddress;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.beans.factory.DisposableBean;

import dev.udpimage.protocol.Rejection;
import dev.udpimage.store.ReceivedStore;
import dev.udpimage.store.StoreProperties;

/**
 * The last steps of both ports' flows, written once: store the item, make its success
 * reply, send it. On the port's receive thread when the store saves at once (in memory,
 * the disk written behind); on the sender's {@link StoreStage} worker when it waits on a
 * device or the network ({@link ReceivedStore#blocksOnSave()}), so that the port keeps
 * draining its socket. There a failed save is answered {@code error: store unavailable},
 * and a full worker {@code error: store busy} at once.
 */
final class LastSteps implements DisposableBean {

    /** Sends a reply from the port's socket. */
    interface Sender {

        void send(byte[] reply, SocketAddress to, boolean error);

    }

    private final Sender sender;

    /** The store's workers, when it waits; null when it saves at once. */
    private final StoreStage workers;

    LastSteps(String port, ReceivedStore store, StoreProperties properties, Sender sender) {
        this.sender = sender;
        this.workers = store.blocksOnSave() ? new StoreStage(port, properties.workers(), properties.workerQueue())
                : null;
    }

    /**
     * Stores and answers, here or on the sender's worker.
     * @param what what is stored, for the log ("an image")
     * @param bytes what the item holds on the heap while it waits
     * @param store stores the item; its success reply
     * @param refused the reply to a save that failed (counted and logged)
     * @return nothing: the flow ends here
     * @throws Rejection {@code store busy}, when the sender's worker is full
     */
    Object run(SocketAddress from, String what, long bytes, Supplier<byte[]> store,
            Function<Rejection, byte[]> refused) {
        if (this.workers == null) {
            this.sender.send(store.get(), from, false);
            return null;
        }
        this.workers.handOff(from, what, bytes, new StoreStage.Steps() {

            @Override
            public byte[] store() {
                return store.get();
            }

            @Override
            public byte[] refused(Rejection unavailable) {
                return refused.apply(unavailable);
            }

            @Override
            public void reply(byte[] reply, boolean error) {
                LastSteps.this.sender.send(reply, from, error);
            }

        });
        return null;
    }

    @Override
    public void destroy() throws InterruptedException {
        if (this.workers != null) {
            this.workers.destroy();
        }
    }

}
