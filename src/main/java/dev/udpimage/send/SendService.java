package dev.udpimage.send;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.udpimage.UdpProperties;
import dev.udpimage.protocol.LegacySender;
import dev.udpimage.protocol.LegacyProtocol;
import dev.udpimage.web.Problems;

/** Sends images and lists to a peer with the legacy protocol and reports the peer's reply. */
@Service
public class SendService {

    private final LegacySender sender = new LegacySender();

    private final List<CidrRange> allowedTargets;

    public SendService(UdpProperties properties) {
        this.allowedTargets = properties.send().allowedTargets().stream().map(CidrRange::parse).toList();
    }

    /** Result of {@code POST /send/image}. */
    public record ImageSent(String target, int bytes, int datagrams, String reply, long elapsedMs) {
    }

    /** Result of {@code POST /send/list}. */
    public record ListSent(String target, int bytes, String reply, long elapsedMs) {
    }

    public ImageSent sendImage(String host, int port, byte[] image, LegacySender.Mode mode, int chunkSize,
            Duration timeout) {
        if (mode == LegacySender.Mode.WHOLE && image.length > LegacyProtocol.MAX_DATAGRAM) {
            throw Problems.badRequest("whole mode sends one datagram of at most " + LegacyProtocol.MAX_DATAGRAM
                    + " bytes; this image has " + image.length + " bytes (use mode=chunked)");
        }
        InetSocketAddress target = resolve(host, port);
        LegacySender.Result result = call(target, () -> this.sender.sendImage(target, image, mode, chunkSize,
                timeout));
        return new ImageSent(format(target), result.bytes(), result.datagrams(), result.reply(),
                result.elapsed().toMillis());
    }

    public ListSent sendList(String host, int port, String json, Duration timeout) {
        InetSocketAddress target = resolve(host, port);
        LegacySender.Result result = call(target, () -> this.sender.sendList(target, json, timeout));
        return new ListSent(format(target), result.bytes(), result.reply(), result.elapsed().toMillis());
    }

    /**
     * Resolves the host once and checks the resolved address against {@code udp.send.allowed-targets}; the send
     * goes to exactly that address.
     */
    private InetSocketAddress resolve(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        }
        catch (UnknownHostException ex) {
            throw Problems.badRequest("unknown host '" + host + "'");
        }
        if (this.allowedTargets.stream().noneMatch(range -> range.contains(address))) {
            throw Problems.of(HttpStatus.FORBIDDEN, "Target not allowed", "'" + host + "' resolves to "
                    + address.getHostAddress() + ", which is not in udp.send.allowed-targets " + this.allowedTargets);
        }
        return new InetSocketAddress(address, port);
    }

    private interface Send {
        LegacySender.Result run() throws IOException;
    }

    private static LegacySender.Result call(InetSocketAddress target, Send send) {
        try {
            return send.run();
        }
        catch (LegacySender.NoReplyException ex) {
            throw Problems.of(HttpStatus.GATEWAY_TIMEOUT, "No reply", ex.getMessage());
        }
        catch (IllegalArgumentException ex) {
            throw Problems.badRequest(ex.getMessage());
        }
        catch (PortUnreachableException ex) {
            throw Problems.of(HttpStatus.BAD_GATEWAY, "Port unreachable",
                    "nothing listens on " + format(target) + " (ICMP port unreachable)", ex);
        }
        catch (IOException ex) {
            throw Problems.of(HttpStatus.BAD_GATEWAY, "Send failed",
                    "cannot send to " + format(target) + ": " + ex, ex);
        }
    }

    private static String format(InetSocketAddress target) {
        return target.getAddress().getHostAddress() + ":" + target.getPort();
    }
}
