package dev.udpimage.send;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Service;

import dev.udpimage.access.CidrRange;
import dev.udpimage.decode.ImageDecoder;
import dev.udpimage.protocol.LegacySender;
import dev.udpimage.protocol.Rejection;
import dev.udpimage.protocol.reliable.DatagramLink;
import dev.udpimage.protocol.reliable.ReliableCodec;
import dev.udpimage.protocol.reliable.ReliableSender;
import dev.udpimage.udp.ReceiverPorts;
import dev.udpimage.protocol.LegacyProtocol;

/**
 * Sends images and lists to a peer with the legacy protocol (or reliable mode) and
 * reports the peer's reply. Failures are {@link SendException}s; the web layer decides
 * what they mean in HTTP.
 */
@Service
public class SendService {

    private final LegacySender sender = new LegacySender();

    private final List<CidrRange> allowedTargets;

    private final List<PortRange> allowedPorts;

    private final ReceiverPorts ownPorts;

    private final ImageDecoder images;

    private final double defaultRate;

    private final int burstBytes;

    /**
     * What reliable-mode transfers learnt of each target's round trip, for the next
     * transfer's START (RFC 6298 section 2.1: a measured value may replace the initial
     * timeout). The most recent 256 targets.
     */
    private final Map<InetSocketAddress, Duration> learntStartTimeouts = Collections
        .synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Duration> eldest) {
                return size() > 256;
            }
        });

    public SendService(SendProperties properties, ReceiverPorts ownPorts, ImageDecoder images) {
        this.images = images;
        this.defaultRate = properties.rate();
        this.burstBytes = (int) properties.burst().toBytes();
        this.allowedTargets = properties.allowedTargets().stream().map(CidrRange::parse).toList();
        this.allowedPorts = properties.allowedPorts().stream().map(PortRange::parse).toList();
        this.ownPorts = ownPorts;
    }

    /**
     * Result of {@code POST /send/image}.
     *
     * @param retransmissions datagrams sent again (reliable mode; 0 otherwise)
     * @param megabytesPerSecond image bytes over the time from the first datagram to the
     * reply
     * @param rate the pace the chunks were sent at, MB/s (0: as fast as the socket took
     * them; reliable mode paces itself by its window)
     */
    public record ImageSent(String target, int bytes, int datagrams, String reply, long elapsedMs, int retransmissions,
            double megabytesPerSecond, double rate) {

        static ImageSent of(InetSocketAddress target, int bytes, int datagrams, String reply, Duration elapsed,
                int retransmissions, double rate) {
            double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
            return new ImageSent(format(target), bytes, datagrams, reply, elapsed.toMillis(), retransmissions,
                    Math.round(bytes / 1e6 / seconds * 10) / 10.0, rate);
        }
    }

    /** Result of {@code POST /send/list}. */
    public record ListSent(String target, int bytes, String reply, long elapsedMs) {
    }

    /**
     * @param timeout chunked and whole: how long to wait for the reply; reliable: the
     * transfer's deadline
     */
    public ImageSent sendImage(String host, int port, byte[] image, SendMode mode, int chunkSize, Duration timeout) {
        return sendImage(host, port, image, mode, chunkSize, timeout, null);
    }

    /**
     * @param rate chunked mode: MB/s to pace the chunks at; null: {@code udp.send.rate};
     * 0: unpaced
     */
    public ImageSent sendImage(String host, int port, byte[] image, SendMode mode, int chunkSize, Duration timeout,
            Double rate) {
        if (rate != null && (rate < 0 || rate.isNaN())) {
            throw new SendException.Invalid("rate must be 0 (unpaced) or more MB/s");
        }
        if (mode == SendMode.WHOLE && image.length > LegacyProtocol.MAX_DATAGRAM) {
            throw new SendException.Invalid("whole mode sends one datagram of at most " + LegacyProtocol.MAX_DATAGRAM
                    + " bytes; this image has " + image.length + " bytes (use mode=chunked)");
        }
        if (mode == SendMode.RELIABLE && chunkSize > ReliableCodec.MAX_CHUNK) {
            throw new SendException.Invalid("reliable mode's chunk size is at most " + ReliableCodec.MAX_CHUNK);
        }
        try { // the receive path's own check: only what identifies as an image is sent
            this.images.identify(image);
        }
        catch (Rejection ex) {
            throw new SendException.Invalid("only images are sent, and these " + image.length + " bytes are "
                    + ex.wireReason() + " (ImageIO reads JPEG, PNG, GIF, BMP, WBMP, TIFF)");
        }
        InetSocketAddress target = resolve(host, port);
        if (mode == SendMode.RELIABLE) {
            ReliableSender.Options options = ReliableSender.Options.forChunkSize(chunkSize, timeout)
                .withInitialRto(
                        this.learntStartTimeouts.getOrDefault(target, ReliableSender.Options.DEFAULT.initialRto()));
            ReliableSender.Result result = call(target, () -> {
                try (DatagramLink link = new DatagramLink(target)) {
                    return new ReliableSender().send(image, link, options);
                }
            });
            this.learntStartTimeouts.put(target, result.suggestedInitialRto());
            return ImageSent.of(target, result.bytes(), result.datagrams(), "done: stored", result.elapsed(),
                    result.retransmissions(), 0);
        }
        LegacySender.Mode legacy = mode == SendMode.WHOLE ? LegacySender.Mode.WHOLE : LegacySender.Mode.CHUNKED;
        double pace = legacy == LegacySender.Mode.WHOLE ? 0 : rate != null ? rate : this.defaultRate;
        LegacySender.Pacing pacing = new LegacySender.Pacing(pace, this.burstBytes);
        LegacySender.Result result = call(target,
                () -> this.sender.sendImage(target, image, legacy, chunkSize, timeout, pacing));
        return ImageSent.of(target, result.bytes(), result.datagrams(), result.reply(), result.elapsed(), 0, pace);
    }

    public ListSent sendList(String host, int port, String json, Duration timeout) {
        InetSocketAddress target = resolve(host, port);
        LegacySender.Result result = call(target, () -> this.sender.sendList(target, json, timeout));
        return new ListSent(format(target), result.bytes(), result.reply(), result.elapsed().toMillis());
    }

    /**
     * Resolves the host once and checks the resolved address against
     * {@code udp.send.allowed-targets}, and the port against
     * {@code udp.send.allowed-ports} and this service's own ports; the send goes to
     * exactly that address.
     */
    private InetSocketAddress resolve(String host, int port) {
        if (isInvalidName(host)) {
            // RFC 6761 6.4: names under .invalid never resolve, so no resolver is asked
            // (and waited for)
            throw new SendException.Invalid("unknown host '" + host + "'");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        }
        catch (UnknownHostException ex) {
            throw new SendException.Invalid("unknown host '" + host + "'");
        }
        if (this.allowedTargets.stream().noneMatch(range -> range.contains(address))) {
            throw new SendException.TargetNotAllowed("'" + host + "' resolves to " + address.getHostAddress()
                    + ", which is not in udp.send.allowed-targets " + this.allowedTargets);
        }
        if (port != this.ownPorts.image() && port != this.ownPorts.list()
                && this.allowedPorts.stream().noneMatch(range -> range.contains(port))) {
            throw new SendException.TargetNotAllowed("port " + port + " is not in udp.send.allowed-ports "
                    + this.allowedPorts + ", nor one of this service's own UDP ports");
        }
        return new InetSocketAddress(address, port);
    }

    static boolean isInvalidName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("invalid") || name.endsWith(".invalid");
    }

    private interface Send<T> {

        T run() throws IOException;

    }

    private static <T> T call(InetSocketAddress target, Send<T> send) {
        try {
            return send.run();
        }
        catch (LegacySender.NoReplyException ex) {
            throw new SendException.NoReply("No reply", ex.getMessage() + ". The peer may now hold part of this "
                    + "image: a legacy receiver that lost a datagram waits for bytes that will not come, and may "
                    + "read the next image's header as those bytes. Wait for its stall timeout (or restart it), and "
                    + "send slower (a lower rate) if it cannot keep up");
        }
        catch (ReliableSender.DeadlinePassed ex) {
            throw new SendException.NoReply("Reliable transfer failed", ex.getMessage());
        }
        catch (ReliableSender.TransferFailed ex) {
            throw new SendException.PeerFailed("Reliable transfer failed", ex.getMessage(), ex);
        }
        catch (IllegalArgumentException ex) {
            throw new SendException.Invalid(ex.getMessage());
        }
        catch (PortUnreachableException ex) {
            throw new SendException.PeerFailed("Port unreachable",
                    "nothing listens on " + format(target) + " (ICMP port unreachable)", ex);
        }
        catch (IOException ex) {
            throw new SendException.PeerFailed("Send failed", "cannot send to " + format(target) + ": " + ex, ex);
        }
    }

    private static String format(InetSocketAddress target) {
        return target.getAddress().getHostAddress() + ":" + target.getPort();
    }

}
