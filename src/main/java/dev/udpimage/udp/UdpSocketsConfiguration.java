package dev.udpimage.udp;

import java.nio.channels.DatagramChannel;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two UDP sockets, bound when the context starts (so their ports are known before
 * anything reads them) and closed with it: the image port's {@link UdpPort}, and the list
 * port's non-blocking {@link DatagramChannel} (a list is one datagram, and one
 * {@code recvfrom} each is the cheapest way to read them).
 */
@Configuration(proxyBeanMethods = false)
public class UdpSocketsConfiguration {

    @Bean
    UdpPort imageSocket(UdpPortsProperties properties) {
        return UdpSockets.bindBatched("image", properties.imagePort(), properties);
    }

    @Bean
    DatagramChannel listSocket(UdpPortsProperties properties) {
        return UdpSockets.bind("list", properties.listPort(), properties);
    }

    @Bean
    ReceiverPorts receiverPorts(UdpPort imageSocket, DatagramChannel listSocket) {
        return new ReceiverPorts(imageSocket.port(), UdpSockets.port(listSocket));
    }

}
