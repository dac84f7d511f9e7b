package dev.udpimage.flow;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.MessagingException;

import dev.udpimage.access.AllowedSenders;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.protocol.LegacyProtocol;
import dev.udpimage.protocol.Rejection;
import dev.udpimage.udp.UdpPort;

/**
 * One port's replies, the last steps both flows share: count what was stored and make its
 * success reply, turn a failure into an {@code error: <reason>} reply (the short reason;
 * the detail goes to the log), and send a reply from the port's own socket to the source
 * address of the datagram being answered, on the port's thread. Every reply is paid for
 * from the source's {@link ReplyBudget}, so the port amplifies nothing; one the budget or
 * the socket cannot take now is dropped, counted and logged, like any datagram lost on
 * the way (the sender times out and retries).
 */
final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    /**
     * Drops are always counted; at most this many a second are logged one by one, so a
     * flood can't flood logs.
     */
    private static final int LOGGED_DROPS_PER_SECOND = 20;

    static final RateLimitedLog dropLog = new RateLimitedLog(log, LOGGED_DROPS_PER_SECOND);

    private final ReceiveMetrics metrics;

    private final ReplyBudget budget = new ReplyBudget();

    Replies(ReceiveMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * A datagram of {@code bytes} arrived from {@code from}: it earns that source
     * replies.
     */
    void received(SocketAddress from, int bytes) {
        this.metrics.datagram(bytes);
        this.budget.received(from, bytes);
    }

    /**
     * The port's check of who may send: a datagram from outside
     * {@code udp.allowed-senders} is counted and dropped, never answered.
     */
    Predicate<SocketAddress> senderCheck(AllowedSenders allowed) {
        AllowedSenders.Check check = allowed.forOnePort();
        return source -> {
            if (check.allows(source)) {
                return true;
            }
            this.metrics.failed(Rejection.Reason.SENDER_NOT_ALLOWED);
            dropLog.warn("Dropped a datagram from {}: not in udp.allowed-senders", source);
            return false;
        };
    }

    /** Counts a stored image or list and makes its success reply. */
    byte[] acknowledge(double transferMs, String reply) {
        completed(transferMs);
        return LegacyProtocol.ascii(reply);
    }

    /** Counts a stored image or list. */
    void completed(double transferMs) {
        this.metrics.completed(transferMs);
    }

    /**
     * Counts and logs a failed datagram and turns it into an {@code error: <reason>}
     * reply to its sender.
     * @return the reply, or null when there is nobody to answer
     */
    Message<byte[]> error(MessagingException error) {
        Message<?> failed = error.getFailedMessage();
        Rejection rejection = findRejection(error);
        SocketAddress sender = failed != null ? source(failed.getHeaders()) : null;
        byte[] reply;
        if (rejection != null) {
            reply = rejected(sender, rejection);
        }
        else {
            this.metrics.failed(ReceiveMetrics.INTERNAL);
            dropLog.error("Failed to process datagram from {}", sender, error);
            reply = LegacyProtocol.errorReply("internal error");
        }
        if (sender == null) {
            return null;
        }
        return MessageBuilder.withPayload(reply).setHeader(IpHeaders.PACKET_ADDRESS, sender).build();
    }

    /** Counts and logs a refused datagram or item; its {@code error: <reason>} reply. */
    byte[] rejected(SocketAddress sender, Rejection rejection) {
        this.metrics.failed(rejection.reason());
        dropLog.warn("Rejected datagram from {}: {}", sender, rejection.getMessage());
        return LegacyProtocol.errorReply(rejection.wireReason());
    }

    static Rejection findRejection(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof Rejection rejection) {
                return rejection;
            }
        }
        return null;
    }

    /**
     * Replies from the image port's socket.
     * @param errors whether these are error replies (rate-limited per source)
     */
    MessageHandler from(UdpPort socket, boolean errors) {
        return message -> send(socket, (byte[]) message.getPayload(), source(message.getHeaders()), errors);
    }

    /**
     * Replies from the list port's socket. (Spring Integration's UDP outbound adapter
     * sends through the socket's blocking adaptor, which a non-blocking channel refuses.)
     */
    MessageHandler from(DatagramChannel socket, boolean errors) {
        return message -> send(socket, (byte[]) message.getPayload(), source(message.getHeaders()), errors);
    }

    /** Sends a reply now, from the list port's socket (from any thread). */
    void send(DatagramChannel socket, byte[] reply, SocketAddress to, boolean error) {
        if (!affordable(reply, to, error)) {
            return;
        }
        try {
            if (socket.send(ByteBuffer.wrap(reply), to) == reply.length) {
                this.metrics.replied();
                return;
            }
            dropLog.warn("Dropped a reply to {}: the socket's send buffer is full", to);
        }
        catch (IOException ex) {
            dropLog.warn("Could not send a reply to {}: {}", to, ex.getMessage());
        }
        this.metrics.replyDropped();
    }

    /** Sends a reply now, from the image port's socket (at once when on its thread). */
    void send(UdpPort socket, byte[] reply, SocketAddress to, boolean error) {
        if (!affordable(reply, to, error)) {
            return;
        }
        socket.send(reply, to, new UdpPort.SendOutcome() {
            @Override
            public void sent() {
                Replies.this.metrics.replied();
            }

            @Override
            public void dropped(String why) {
                dropLog.warn("Dropped a reply to {}: {}", to, why);
                Replies.this.metrics.replyDropped();
            }
        });
    }

    private boolean affordable(byte[] reply, SocketAddress to, boolean error) {
        ReplyBudget.Refusal refused = this.budget.spend(to, reply.length, error);
        if (refused == null) {
            return true;
        }
        this.metrics.replyLimited(refused.tag());
        dropLog.warn("Dropped a reply to {}: over its source's {}", to,
                refused == ReplyBudget.Refusal.RATE ? "error reply rate" : "reply budget (3x what it sent)");
        return false;
    }

    /** The source address of the datagram a message came from. */
    static SocketAddress source(MessageHeaders headers) {
        return headers.get(IpHeaders.PACKET_ADDRESS, SocketAddress.class);
    }

    /** {@code ip:port}, as the store records a sender. */
    static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(address);
    }

}
