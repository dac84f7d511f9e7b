package dev.udpimage.receive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;

import dev.udpimage.UdpProperties;

/** Binds the receiving sockets, with the largest SO_RCVBUF the kernel allows. */
final class UdpSockets {

    private static final Logger log = LoggerFactory.getLogger(UdpSockets.class);

    private UdpSockets() {
    }

    static DatagramSocket bind(String name, int port, UdpProperties properties) {
        String address = properties.bindAddress();
        DataSize receiveBuffer = properties.socketReceiveBuffer();
        try {
            DatagramSocket socket = new DatagramSocket(null);
            socket.setReceiveBufferSize((int) Math.min(Integer.MAX_VALUE, receiveBuffer.toBytes()));
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            // Java reports what was granted of the request; Linux books twice that for its own overhead
            log.info("UDP {} port listening on {}: asked for SO_RCVBUF {} bytes, kernel granted {} bytes", name,
                    socket.getLocalSocketAddress(), receiveBuffer.toBytes(), socket.getReceiveBufferSize());
            return socket;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot bind the UDP " + name + " port to " + address + ":" + port, ex);
        }
    }
}
