package dev.udpimage.flow;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.udpimage.protocol.ImageReassembler;
import dev.udpimage.protocol.ImageReassembler.Assembled;
import dev.udpimage.protocol.Rejection;
import dev.udpimage.protocol.reliable.ReliableCodec;
import dev.udpimage.protocol.reliable.ReliableReceiver;
import dev.udpimage.udp.TransferProperties;

/**
 * The image port's transfers in progress: legacy ones in the {@link ImageReassembler},
 * reliable-mode ones in the {@link ReliableReceiver}, both keyed by sender address:port,
 * both bounded by the {@code udp.transfer.*} limits. Stalled transfers are expired here
 * on a timer, even if their sender never sends again; what is discarded (stalled,
 * evicted) is counted in the image port's metrics, and the pending count and bytes are
 * its gauges.
 */
@Component
public class ImageTransfers {

    private final ImageReassembler<SocketAddress> reassembler;

    private final ReliableReceiver<SocketAddress> reliable;

    private final ReceiveMetrics metrics;

    private final Replies replies;

    /** Reliable-mode sessions evicted as of the last {@link #expireStalledTransfers}. */
    private long countedReliableEvictions;

    ImageTransfers(TransferProperties transfer, ReceiveMetrics imageMetrics, Replies imageReplies) {
        this.metrics = imageMetrics;
        this.replies = imageReplies;
        this.reassembler = new ImageReassembler<>(transfer.limits(), dropped -> {
            Replies.dropLog.warn("Discarded {} transfer from {}: {} of {} bytes in {} datagrams",
                    dropped.reason().tag(), dropped.sender(), dropped.received(), dropped.expected(),
                    dropped.datagrams());
            imageMetrics.failed(dropped.reason());
        });
        this.reliable = new ReliableReceiver<>(transfer.maxImageBytes().toBytes(), transfer.stallTimeout(),
                transfer.maxPending(), transfer.maxInflightBytes().toBytes());
        imageMetrics.gauge("udp.transfers.pending",
                () -> this.reassembler.pendingTransfers() + this.reliable.pendingTransfers());
        imageMetrics.gauge("udp.transfers.inflight.bytes",
                () -> this.reassembler.inFlightBytes() + this.reliable.inFlightBytes());
        imageMetrics.gauge("udp.reliable.corrupt.datagrams", this.reliable::corruptDatagrams);
    }

    /**
     * The receive loop's shortcut: a chunk in the middle of a legacy transfer is appended
     * straight from the receive buffer, with no message.
     * @return whether it was; if not, the datagram goes into the flow
     */
    boolean appendChunk(SocketAddress sender, ByteBuffer datagram) {
        int length = datagram.remaining();
        if (!this.reassembler.appendChunk(sender, datagram, System.nanoTime())) {
            return false;
        }
        this.replies.received(sender, length);
        return true;
    }

    /**
     * Whether a datagram belongs to reliable mode: it carries the magic, and its sender
     * has no legacy transfer in progress (whose chunks may carry any bytes). The magic is
     * checked first: legacy datagrams (nearly all) then take the reassembler's lock only
     * once.
     */
    boolean isReliable(SocketAddress sender, byte[] datagram) {
        return ReliableCodec.isReliable(datagram) && !this.reassembler.isPending(sender);
    }

    /**
     * @return the complete image, or null while the transfer goes on
     */
    Assembled acceptLegacy(SocketAddress sender, byte[] datagram, long nowNanos) {
        return this.reassembler.accept(sender, datagram, nowNanos);
    }

    ReliableReceiver.Outcome acceptReliable(SocketAddress sender, byte[] datagram, long nowNanos) {
        return this.reliable.accept(sender, datagram, nowNanos);
    }

    /**
     * The DONE datagram that ends a reliable-mode transfer, with its status
     * ({@link ReliableCodec.Done#STORED}, ...).
     */
    byte[] done(SocketAddress sender, int transferId, int status) {
        return this.reliable.done(sender, transferId, status, System.nanoTime());
    }

    /**
     * Transfers whose sender went silent are discarded even if that sender never sends
     * again.
     */
    @Scheduled(fixedDelay = 250)
    void expireStalledTransfers() {
        long now = System.nanoTime();
        this.reassembler.expireStalled(now);
        for (int i = this.reliable.expire(now); i > 0; i--) {
            this.metrics.failed(Rejection.Reason.STALLED);
        }
        long evicted = this.reliable.evicted();
        for (long i = evicted - this.countedReliableEvictions; i > 0; i--) {
            this.metrics.failed(Rejection.Reason.EVICTED);
        }
        this.countedReliableEvictions = evicted;
    }

}
