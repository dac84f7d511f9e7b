package dev.udpimage.udp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;

/**
 * Binds the UDP ports, with the largest SO_RCVBUF the kernel allows. The list port's
 * socket is a non-blocking {@link DatagramChannel}: the receive loop reads each datagram
 * with one {@code recvfrom} straight into a reused direct buffer and sleeps in a selector
 * only when none comes ({@link DatagramInboundAdapter}); replies leave through
 * {@link DatagramChannel#send}. The image port is a {@link UdpPort}
 * ({@link #bindBatched}).
 *
 * <p>
 * For an IPv4 bind address (the default, 0.0.0.0) the list port's socket is an IPv4 one,
 * not Java's default dual-stack IPv6 socket, whose IPv4 datagrams take the kernel's IPv6
 * path with an IPv4-mapped address, a little slower (docs/design.md).
 */
final class UdpSockets {

    private static final Logger log = LoggerFactory.getLogger(UdpSockets.class);

    private UdpSockets() {
    }

    static DatagramChannel bind(String name, int port, UdpPortsProperties properties) {
        String address = properties.bindAddress();
        DataSize receiveBuffer = properties.socketReceiveBuffer();
        try {
            InetAddress local = InetAddress.getByName(address);
            DatagramChannel channel = DatagramChannel
                .open(local instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, properties.receiveBufferBytes());
            channel.bind(new InetSocketAddress(local, port));
            channel.configureBlocking(false);
            // Java reports what was granted of the request; Linux books twice that for
            // its own overhead
            log.info("UDP {} port listening on {}: asked for SO_RCVBUF {} bytes, kernel granted {} bytes", name,
                    channel.getLocalAddress(), receiveBuffer.toBytes(),
                    channel.getOption(StandardSocketOptions.SO_RCVBUF));
            return channel;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot bind the UDP " + name + " port to " + address + ":" + port, ex);
        }
    }

    /**
     * Binds the image port's {@link UdpPort}, with the same receive buffer and bind
     * address as the list port.
     */
    static UdpPort bindBatched(String name, int port, UdpPortsProperties properties) {
        InetSocketAddress address = new InetSocketAddress(properties.bindAddress(), port);
        if (address.isUnresolved()) {
            throw new IllegalStateException("udp.bind-address " + properties.bindAddress() + " does not resolve");
        }
        return UdpPort.bind(name, address, properties.receiveBufferBytes(), properties.receiveSpin());
    }

    static int port(DatagramChannel channel) {
        return channel.socket().getLocalPort();
    }

}
