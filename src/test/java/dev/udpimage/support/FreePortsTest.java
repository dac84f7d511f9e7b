package dev.udpimage.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsAreFreeAndBelowTheEphemeralRange() throws Exception {
        String range;
        try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
        int ephemeral = Integer.parseInt(range.trim().split("\\s+")[0]);
        assertThat(FreePorts.firstEphemeralPort()).isEqualTo(ephemeral).isGreaterThan(FreePorts.LOWEST + 1000);
        for (int i = 0; i < 20; i++) {
            int tcp = FreePorts.tcp();
            int udp = FreePorts.udp();
            assertThat(tcp).isBetween(FreePorts.LOWEST, ephemeral - 1);
            assertThat(udp).isBetween(FreePorts.LOWEST, ephemeral - 1);
            try (ServerSocket server = new ServerSocket(tcp, 1, InetAddress.getLoopbackAddress());
                    DatagramSocket socket = new DatagramSocket(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), udp))) {
                assertThat(server.getLocalPort()).isEqualTo(tcp);
                assertThat(socket.getLocalPort()).isEqualTo(udp);
            }
        }
    }

}
