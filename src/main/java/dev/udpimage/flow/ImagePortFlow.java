package dev.udpimage.flow;

import java.net.SocketAddress;
import java.time.Instant;
import java.util.Locale;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;

import dev.udpimage.access.AllowedSenders;
import dev.udpimage.decode.ImageDecoder;
import dev.udpimage.protocol.ImageReassembler.Assembled;
import dev.udpimage.protocol.ImageReassembler.Kind;
import dev.udpimage.protocol.LegacyProtocol;
import dev.udpimage.protocol.Rejection;
import dev.udpimage.protocol.reliable.ReliableCodec;
import dev.udpimage.protocol.reliable.ReliableReceiver;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedStore;
import dev.udpimage.udp.BatchedInboundAdapter;
import dev.udpimage.udp.UdpPort;
import dev.udpimage.store.StoreProperties;

/**
 * The image port's flow, a datagram's journey: <pre>
 * datagram → reassemble per sender → identify (ImageIO) → store → reply "get message!!!"
 *            (legacy, or reliable mode)                            (reliable mode: DONE)
 * any step rejects → count, log, reply "error: &lt;reason&gt;"
 * </pre> Everything happens on the port's receive thread, in arrival order (the last
 * steps, store and reply, on a store worker when the store waits: {@link LastSteps}). A
 * chunk in the middle of a legacy transfer never becomes a message: the receive loop
 * appends it itself ({@link ImageTransfers#appendChunk}), so the flow sees a transfer's
 * header, its last chunk, and everything else. Identifying reads only the image's header;
 * the pixels are decoded when someone asks for the picture. Reliable-mode datagrams
 * (docs/reliable-protocol.md) share the port: their ACKs leave at once, and a completed
 * image continues down the same flow. The reply leaves only after the image is visible in
 * the store. docs/design.md says why it is built this way.
 */
@Configuration(proxyBeanMethods = false)
public class ImagePortFlow implements DisposableBean {

    /** Header on a completed reliable-mode image: its transfer id, for the DONE reply. */
    static final String RELIABLE_TRANSFER = "reliableTransferId";

    private final UdpPort socket;

    private final ImageTransfers transfers;

    private final Replies replies;

    /** Store, acknowledge, reply. */
    private LastSteps lastSteps;

    ImagePortFlow(UdpPort imageSocket, ImageTransfers transfers, Replies imageReplies) {
        this.socket = imageSocket;
        this.transfers = transfers;
        this.replies = imageReplies;
    }

    @Bean
    BatchedInboundAdapter imageInbound(AllowedSenders allowedSenders) {
        BatchedInboundAdapter adapter = new BatchedInboundAdapter(this.socket, this.transfers::appendChunk,
                this.replies.senderCheck(allowedSenders));
        adapter.setErrorChannelName("imageErrors.input");
        return adapter;
    }

    @Bean
    IntegrationFlow imageFlow(BatchedInboundAdapter imageInbound, ImageDecoder decoder, ReceivedStore store,
            StoreProperties properties) {
        this.lastSteps = new LastSteps("image", store, properties,
                (reply, to, error) -> this.replies.send(this.socket, reply, to, error));
        return IntegrationFlow.from(imageInbound)
            .handle(byte[].class, this::reassemble)
            .handle(Assembled.class, (image, headers) -> identify(image, decoder, headers))
            .handle(IdentifiedImage.class,
                    (image, headers) -> this.lastSteps.run(Replies.source(headers), "an image", image.bytes().length,
                            () -> acknowledge(store.saveImage(image.metadata(), image.bytes()), headers),
                            unavailable -> refusal(unavailable, headers)))
            .get();
    }

    /**
     * Counts and logs a refusal; its reply: "error: ..." or, in reliable mode, DONE not
     * stored.
     */
    private byte[] refusal(Rejection rejection, MessageHeaders headers) {
        SocketAddress sender = Replies.source(headers);
        byte[] reply = this.replies.rejected(sender, rejection);
        Integer transfer = headers.get(RELIABLE_TRANSFER, Integer.class);
        return transfer == null ? reply : this.transfers.done(sender, transfer, ReliableCodec.Done.NOT_STORED);
    }

    @Override
    public void destroy() throws InterruptedException {
        if (this.lastSteps != null) {
            this.lastSteps.destroy();
        }
    }

    @Bean
    IntegrationFlow imageErrors() {
        return flow -> flow.handle(MessagingException.class, (error, headers) -> errorReply(error))
            .handle(this.replies.from(this.socket, true));
    }

    /**
     * Nothing goes on until an image is complete: returns the complete image, or null.
     */
    private Object reassemble(byte[] datagram, MessageHeaders headers) {
        SocketAddress sender = Replies.source(headers);
        this.replies.received(sender, datagram.length);
        long now = System.nanoTime();
        if (!this.transfers.isReliable(sender, datagram)) {
            return this.transfers.acceptLegacy(sender, datagram, now);
        }
        ReliableReceiver.Outcome outcome = this.transfers.acceptReliable(sender, datagram, now);
        outcome.replies().forEach(reply -> this.replies.send(this.socket, reply, sender, false));
        ReliableReceiver.Completed done = outcome.completed();
        if (done == null) {
            return null;
        }
        Assembled image = new Assembled(done.image(), done.datagrams(), Kind.RELIABLE, done.startedNanos(),
                done.completedNanos());
        return MessageBuilder.withPayload(image)
            .copyHeaders(headers)
            .setHeader(RELIABLE_TRANSFER, done.transferId())
            .build();
    }

    /**
     * An image ImageIO recognised: its bytes and what is known of it, before the store
     * numbers it.
     */
    private record IdentifiedImage(ImageMetadata metadata, byte[] bytes) {
    }

    private static IdentifiedImage identify(Assembled image, ImageDecoder decoder, MessageHeaders headers) {
        ImageDecoder.Identified decoded = decoder.identify(image.bytes());
        ImageMetadata metadata = new ImageMetadata(0, Replies.address(Replies.source(headers)), Instant.now(),
                image.bytes().length, image.datagrams(), decoded.width(), decoded.height(), decoded.format(),
                image.kind().name().toLowerCase(Locale.ROOT), image.duration().toNanos() / 1e6);
        return new IdentifiedImage(metadata, image.bytes());
    }

    /** The success reply: "get message!!!", or DONE for a reliable-mode transfer. */
    private byte[] acknowledge(ReceivedImage image, MessageHeaders headers) {
        Integer transfer = headers.get(RELIABLE_TRANSFER, Integer.class);
        if (transfer == null) {
            return this.replies.acknowledge(image.metadata().transferMs(), LegacyProtocol.IMAGE_REPLY);
        }
        this.replies.completed(image.metadata().transferMs());
        return this.transfers.done(Replies.source(headers), transfer, ReliableCodec.Done.STORED);
    }

    /**
     * A reliable-mode transfer is refused with DONE "not an image" (or "not stored" when
     * the store could not take it); anything else with "error: ...".
     */
    private Message<byte[]> errorReply(MessagingException error) {
        Message<byte[]> reply = this.replies.error(error);
        Message<?> failed = error.getFailedMessage();
        Integer transfer = failed == null ? null : failed.getHeaders().get(RELIABLE_TRANSFER, Integer.class);
        if (reply == null || transfer == null) {
            return reply;
        }
        Rejection rejection = Replies.findRejection(error);
        boolean notStored = rejection != null && (rejection.reason() == Rejection.Reason.STORE_BUSY
                || rejection.reason() == Rejection.Reason.STORE_UNAVAILABLE);
        byte[] done = this.transfers.done(Replies.source(failed.getHeaders()), transfer,
                notStored ? ReliableCodec.Done.NOT_STORED : ReliableCodec.Done.NOT_AN_IMAGE);
        return MessageBuilder.withPayload(done).copyHeaders(reply.getHeaders()).build();
    }

}
