package dev.udpimage.receive;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.integration.support.MessageBuilderFactory;
import org.springframework.integration.support.MutableMessageBuilderFactory;
import org.springframework.integration.support.utils.IntegrationUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.util.AlternativeJdkIdGenerator;
import org.springframework.util.IdGenerator;

import dev.udpimage.UdpProperties;
import dev.udpimage.protocol.ImageReassembler;
import dev.udpimage.protocol.ImageReassembler.Assembled;
import dev.udpimage.protocol.ImageReassembler.Kind;
import dev.udpimage.protocol.LegacyProtocol;
import dev.udpimage.protocol.Rejection;
import dev.udpimage.protocol.reliable.ReliableCodec;
import dev.udpimage.protocol.reliable.ReliableReceiver;
import dev.udpimage.received.ImageMetadata;
import dev.udpimage.received.ReceivedImage;
import dev.udpimage.received.ReceivedList;
import dev.udpimage.received.ReceivedStore;

/**
 * The receive path, one flow per UDP port, each reading like a datagram's journey:
 * <pre>
 * image port: datagram → reassemble per sender → identify (ImageIO) → store → reply "get message!!!"
 *                         (legacy, or reliable mode)                          (reliable mode: DONE)
 * list port:  datagram → parse JSON (Jackson)                        → store → reply "get the msg"
 * </pre>
 * Reliable-mode datagrams (docs/reliable-protocol.md) share the image port: a datagram from a sender with no
 * legacy transfer in progress that carries the reliable magic goes to the {@link ReliableReceiver}; its ACKs are
 * transport-level flow control and leave at once from the receive thread, its completed images continue down
 * the same flow as legacy ones.
 * Datagrams are handled in arrival order on the port's receive thread, which does only what must happen
 * per datagram (reassembly: a copy into the sender's buffer), so it drains the socket as fast as a sender can
 * fill it. A chunk in the middle of a legacy transfer doesn't even become a message: the receive loop appends
 * it itself ({@link #appendChunk}), so the flow sees a transfer's header, its last chunk, and everything else.
 * A complete image is identified, stored and answered on the receive thread too: identifying reads only the
 * image's header (format and dimensions, about 7 us for 10 KB), storing is in memory (the disk is written
 * behind), and the pixels are decoded only when someone asks for the picture. Meanwhile the kernel buffer
 * holds what arrives; what overflows it is counted ({@code udp.socket.drops}). (A worker thread for these steps
 * cost more in hand-offs than it saved: 10 KB images went from about 4 800 to 6 000-8 000 a second without it.)
 * Lists are parsed on their port's receive thread the same way.
 * A step that rejects its input throws {@link Rejection}; the port's error flow counts and logs it and replies
 * {@code error: <reason>}. Every reply leaves from the socket the datagram arrived on, to the datagram's
 * source address, and only after what it acknowledges is visible in the store.
 */
@Configuration(proxyBeanMethods = false)
public class ReceiveFlows {

    private static final Logger log = LoggerFactory.getLogger(ReceiveFlows.class);

    /** Drops are always counted; at most this many a second are logged one by one, so a flood can't flood logs. */
    private static final int LOGGED_DROPS_PER_SECOND = 20;

    private static final RateLimitedLog dropLog = new RateLimitedLog(log, LOGGED_DROPS_PER_SECOND);

    /** Header on a completed reliable-mode image: its transfer id, for the DONE reply. */
    static final String RELIABLE_TRANSFER = "reliableTransferId";

    private final ImageReassembler<SocketAddress> reassembler;

    private final ReliableReceiver<SocketAddress> reliable;

    private final ReceiveMetrics imageMetrics;

    private final ReceiveMetrics listMetrics;

    public ReceiveFlows(UdpProperties properties, MeterRegistry registry) {
        this.imageMetrics = new ReceiveMetrics(registry, "image", true);
        this.listMetrics = new ReceiveMetrics(registry, "list", false);
        this.reassembler = new ImageReassembler<>(properties.transfer().limits(), dropped -> {
            dropLog.warn("Discarded {} transfer from {}: {} of {} bytes in {} datagrams", dropped.reason().tag(),
                    dropped.sender(), dropped.received(), dropped.expected(), dropped.datagrams());
            this.imageMetrics.failed(dropped.reason());
        });
        UdpProperties.Transfer transfer = properties.transfer();
        this.reliable = new ReliableReceiver<>(transfer.maxImageBytes().toBytes(), transfer.stallTimeout(),
                transfer.maxPending(), transfer.maxInflightBytes().toBytes());
        this.imageMetrics.gauge("udp.transfers.pending",
                () -> this.reassembler.pendingTransfers() + this.reliable.pendingTransfers());
        this.imageMetrics.gauge("udp.transfers.inflight.bytes",
                () -> this.reassembler.inFlightBytes() + this.reliable.inFlightBytes());
        this.imageMetrics.gauge("udp.reliable.corrupt.datagrams", this.reliable::corruptDatagrams);
    }

    // ---- image port -------------------------------------------------------------------------------------

    @Bean
    UdpPort imageSocket(UdpProperties properties) {
        UdpPort socket = UdpSockets.bindBatched("image", properties.imagePort(), properties);
        this.imageMetrics.socketDrops(socket.port());
        return socket;
    }

    @Bean
    BatchedInboundAdapter imageInbound(UdpPort imageSocket) {
        BatchedInboundAdapter adapter = new BatchedInboundAdapter(imageSocket, this::appendChunk);
        adapter.setErrorChannelName("imageErrors.input");
        return adapter;
    }

    /**
     * The receive loop's shortcut: a chunk in the middle of a legacy transfer (all but the last datagram of an
     * image) is appended straight from the receive buffer, with no message. Everything else, the last chunk
     * included, goes through the flow. A message per chunk took about half of the receive thread's time, and
     * at 9 MB a burst that the thread drains slower than the sender fills it overflows the socket buffer.
     */
    private boolean appendChunk(SocketAddress sender, ByteBuffer datagram) {
        int length = datagram.remaining();
        if (!this.reassembler.appendChunk(sender, datagram, System.nanoTime())) {
            return false;
        }
        this.imageMetrics.datagram(length);
        return true;
    }

    @Bean
    IntegrationFlow imageFlow(BatchedInboundAdapter imageInbound, UdpPort imageSocket,
            ImageDecoder decoder, ReceivedStore store) {
        return IntegrationFlow.from(imageInbound)
                .handle(byte[].class, (datagram, headers) -> reassemble(datagram, headers, imageSocket))
                .handle(Assembled.class, (image, headers) -> identify(image, decoder, headers))
                .handle(DecodedImage.class, (image, headers) -> store.saveImage(image.metadata(), image.bytes()))
                .handle(ReceivedImage.class, (image, headers) -> acknowledgeImage(image, headers))
                .handle(replyFrom(imageSocket, this.imageMetrics))
                .get();
    }

    @Bean
    IntegrationFlow imageErrors(UdpPort imageSocket) {
        return flow -> flow
                .handle(MessagingException.class, (error, headers) -> imageErrorReply(error))
                .handle(replyFrom(imageSocket, this.imageMetrics));
    }

    /** A reliable-mode transfer is refused with DONE "not an image"; anything else with "error: ...". */
    private Message<byte[]> imageErrorReply(MessagingException error) {
        Message<byte[]> reply = errorReply(error, this.imageMetrics);
        Message<?> failed = error.getFailedMessage();
        Integer transfer = failed == null ? null : failed.getHeaders().get(RELIABLE_TRANSFER, Integer.class);
        if (reply == null || transfer == null) {
            return reply;
        }
        byte[] done = this.reliable.done(source(failed.getHeaders()), transfer, ReliableCodec.Done.NOT_AN_IMAGE,
                System.nanoTime());
        return MessageBuilder.withPayload(done).copyHeaders(reply.getHeaders()).build();
    }

    /** Nothing goes on until an image is complete: returns the complete image, or null. */
    private Object reassemble(byte[] datagram, MessageHeaders headers, UdpPort socket) {
        this.imageMetrics.datagram(datagram.length);
        SocketAddress sender = source(headers);
        long now = System.nanoTime();
        // the magic check first: legacy datagrams (nearly all) then take the reassembler's lock only once
        if (ReliableCodec.isReliable(datagram) && !this.reassembler.isPending(sender)) {
            ReliableReceiver.Outcome outcome = this.reliable.accept(sender, datagram, now);
            outcome.replies().forEach(reply -> send(socket, reply, sender, this.imageMetrics));
            ReliableReceiver.Completed done = outcome.completed();
            if (done == null) {
                return null;
            }
            Assembled image = new Assembled(done.image(), done.datagrams(), Kind.RELIABLE, done.startedNanos(),
                    done.completedNanos());
            return MessageBuilder.withPayload(image).copyHeaders(headers)
                    .setHeader(RELIABLE_TRANSFER, done.transferId()).build();
        }
        return this.reassembler.accept(sender, datagram, now);
    }

    /** The success reply: "get message!!!", or DONE for a reliable-mode transfer. */
    private byte[] acknowledgeImage(ReceivedImage image, MessageHeaders headers) {
        Integer transfer = headers.get(RELIABLE_TRANSFER, Integer.class);
        if (transfer == null) {
            return acknowledge(image.metadata().transferMs(), this.imageMetrics, LegacyProtocol.IMAGE_REPLY);
        }
        this.imageMetrics.completed(image.metadata().transferMs());
        return this.reliable.done(source(headers), transfer, ReliableCodec.Done.STORED, System.nanoTime());
    }

    /** An image ImageIO recognised: its bytes and what is known of it, before the store numbers it. */
    private record DecodedImage(ImageMetadata metadata, byte[] bytes) {
    }

    private static DecodedImage identify(Assembled image, ImageDecoder decoder, MessageHeaders headers) {
        ImageDecoder.Identified decoded = decoder.identify(image.bytes());
        ImageMetadata metadata = new ImageMetadata(0, address(source(headers)), Instant.now(), image.bytes().length,
                image.datagrams(), decoded.width(), decoded.height(), decoded.format(),
                image.kind().name().toLowerCase(Locale.ROOT), image.duration().toNanos() / 1e6);
        return new DecodedImage(metadata, image.bytes());
    }

    /** Transfers whose sender went silent are discarded even if that sender never sends again. */
    @Scheduled(fixedDelay = 250)
    void expireStalledTransfers() {
        long now = System.nanoTime();
        this.reassembler.expireStalled(now);
        for (int i = this.reliable.expire(now); i > 0; i--) {
            this.imageMetrics.failed(Rejection.Reason.STALLED);
        }
    }

    /**
     * What the kernel drops on a full socket never reaches the flow to be counted and logged there; it is counted
     * by {@code udp.socket.drops} and logged here, a sum every few seconds.
     */
    @Scheduled(fixedDelay = 5000)
    void logSocketDrops() {
        for (ReceiveMetrics metrics : List.of(this.imageMetrics, this.listMetrics)) {
            long dropped = metrics.newSocketDrops();
            if (dropped > 0) {
                log.warn("The kernel dropped {} datagrams on the {} port: its socket buffer was full, a burst came "
                        + "faster than the port's thread read it (udp.socket.drops)", dropped, metrics.port());
            }
        }
    }

    // ---- list port --------------------------------------------------------------------------------------

    /** A list is one datagram: one {@code recvfrom} each is the cheapest way to read them. */
    @Bean
    DatagramChannel listSocket(UdpProperties properties) {
        DatagramChannel socket = UdpSockets.bind("list", properties.listPort(), properties);
        this.listMetrics.socketDrops(UdpSockets.port(socket));
        return socket;
    }

    @Bean
    DatagramInboundAdapter listInbound(DatagramChannel listSocket, UdpProperties properties) {
        DatagramInboundAdapter adapter = new DatagramInboundAdapter(listSocket, "udp-list", properties.receiveSpin());
        adapter.setErrorChannelName("listErrors.input");
        return adapter;
    }

    @Bean
    IntegrationFlow listFlow(DatagramInboundAdapter listInbound, DatagramChannel listSocket, ListDecoder decoder,
            ReceivedStore store) {
        return IntegrationFlow.from(listInbound)
                .handle(byte[].class, (datagram, headers) -> parseList(datagram, decoder, headers))
                .handle(ReceivedList.class, (list, headers) -> store.saveList(list))
                .handle(ReceivedList.class, (list, headers) -> acknowledge(0, this.listMetrics,
                        LegacyProtocol.LIST_REPLY))
                .handle(replyFrom(listSocket, this.listMetrics))
                .get();
    }

    private ReceivedList parseList(byte[] datagram, ListDecoder decoder, MessageHeaders headers) {
        this.listMetrics.datagram(datagram.length);
        return new ReceivedList(0, address(source(headers)), Instant.now(), datagram.length,
                decoder.decode(datagram));
    }

    @Bean
    IntegrationFlow listErrors(DatagramChannel listSocket) {
        return flow -> flow
                .handle(MessagingException.class, (error, headers) -> errorReply(error, this.listMetrics))
                .handle(replyFrom(listSocket, this.listMetrics));
    }

    /**
     * Each step's output message is built by Spring Integration's mutable builder: the default builder copies
     * the request's headers into an accessor and then into a fresh immutable map for every step, which took
     * about a tenth of the list port's receive thread. Side by side: list round trips +5 %, 10 KB images
     * +11 %. Nothing here changes a message once it is sent, and each message stays on its receive thread.
     */
    @Bean(IntegrationUtils.INTEGRATION_MESSAGE_BUILDER_FACTORY_BEAN_NAME)
    MessageBuilderFactory messageBuilderFactory() {
        return new MutableMessageBuilderFactory();
    }

    /**
     * Message ids from a fast, non-cryptographic UUID source: the default, {@code UUID.randomUUID()}, takes a
     * SecureRandom lock for every message, and nothing here needs unguessable ids.
     */
    @Bean
    IdGenerator messageIdGenerator() {
        return new AlternativeJdkIdGenerator();
    }

    @Bean
    ReceiverPorts receiverPorts(UdpPort imageSocket, DatagramChannel listSocket) {
        return new ReceiverPorts(imageSocket.port(), UdpSockets.port(listSocket));
    }

    // ---- shared by both ports ---------------------------------------------------------------------------

    /** Counts a stored image or list and makes its success reply. */
    private static byte[] acknowledge(double transferMs, ReceiveMetrics metrics, String reply) {
        metrics.completed(transferMs);
        return LegacyProtocol.ascii(reply);
    }

    /** Counts and logs a failed datagram and turns it into an {@code error: <reason>} reply to its sender. */
    private static Message<byte[]> errorReply(MessagingException error, ReceiveMetrics metrics) {
        Message<?> failed = error.getFailedMessage();
        Rejection rejection = findRejection(error);
        String reason = rejection != null ? rejection.getMessage() : "internal error";
        SocketAddress sender = failed != null ? source(failed.getHeaders()) : null;
        if (rejection != null) {
            metrics.failed(rejection.reason());
            dropLog.warn("Rejected datagram from {}: {}", sender, reason);
        }
        else {
            metrics.failed("internal");
            log.error("Failed to process datagram from {}", sender, error);
        }
        if (sender == null) {
            return null; // nobody to answer
        }
        return MessageBuilder.withPayload(LegacyProtocol.errorReply(reason))
                .setHeader(IpHeaders.PACKET_ADDRESS, sender)
                .build();
    }

    private static Rejection findRejection(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof Rejection rejection) {
                return rejection;
            }
        }
        return null;
    }

    /** Replies from the port's own socket to the source address of the datagram being answered. */
    private static MessageHandler replyFrom(UdpPort socket, ReceiveMetrics metrics) {
        return message -> send(socket, (byte[]) message.getPayload(), source(message.getHeaders()), metrics);
    }

    /**
     * The same for the list port. (Spring Integration's UDP outbound adapter sends through the socket's blocking
     * adaptor, which a non-blocking channel refuses.)
     */
    private static MessageHandler replyFrom(DatagramChannel socket, ReceiveMetrics metrics) {
        return message -> {
            SocketAddress to = source(message.getHeaders());
            byte[] reply = (byte[]) message.getPayload();
            try {
                if (socket.send(ByteBuffer.wrap(reply), to) == reply.length) {
                    metrics.replied();
                    return;
                }
                dropLog.warn("Dropped a reply to {}: the socket's send buffer is full", to);
            }
            catch (IOException ex) {
                dropLog.warn("Could not send a reply to {}: {}", to, ex.getMessage());
            }
            metrics.replyDropped();
        };
    }

    /**
     * Sends a reply now, from the receive thread; one the socket's send buffer has no room for is dropped,
     * counted and logged, like any datagram lost on the way (the sender times out and retries).
     */
    private static void send(UdpPort socket, byte[] reply, SocketAddress to, ReceiveMetrics metrics) {
        socket.send(reply, to, new UdpPort.SendOutcome() {
            @Override
            public void sent() {
                metrics.replied();
            }

            @Override
            public void dropped(String why) {
                dropLog.warn("Dropped a reply to {}: {}", to, why);
                metrics.replyDropped();
            }
        });
    }

    private static SocketAddress source(MessageHeaders headers) {
        return headers.get(IpHeaders.PACKET_ADDRESS, SocketAddress.class);
    }

    static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(address);
    }
}
