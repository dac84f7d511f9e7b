package dev.udpimage.support;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports free now, for a process the tests start that binds them later (a service
 * process, PostgreSQL, S3Mock, mosquitto) and perhaps again after a restart. They are
 * taken below the kernel's range of ephemeral ports ({@code ip_local_port_range}), from
 * {@value #LOWEST} up: the kernel gives none of them to a connection of another test JVM
 * in the seconds before the process binds it (a port found with port 0 was, twice in CI:
 * Tomcat binds its port some 20 s after a loaded start). Fixed ports of the tests (the
 * local cluster's) are below {@value #LOWEST}.
 */
public final class FreePorts {

    static final int LOWEST = 20_000;

    private FreePorts() {
    }

    public static int udp() throws IOException {
        return free(port -> new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }

    public static int tcp() throws IOException {
        return free(port -> new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
    }

    private interface Bind {

        Closeable on(int port) throws IOException;

    }

    private static int free(Bind bind) throws IOException {
        int ephemeral = firstEphemeralPort();
        if (ephemeral > LOWEST + 1000) {
            for (int attempt = 0; attempt < 100; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeral);
                try (Closeable socket = bind.on(port)) {
                    return port;
                }
                catch (IOException taken) {
                    // another one
                }
            }
        }
        try (Closeable socket = bind.on(0)) {
            return (socket instanceof ServerSocket server) ? server.getLocalPort()
                    : ((DatagramSocket) socket).getLocalPort();
        }
    }

    /**
     * The start of {@code ip_local_port_range}; 0 when unknown. (Read by lines:
     * {@code Files.readString} reads one byte of this file, whose size says 0.)
     */
    static int firstEphemeralPort() {
        try {
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .get(0)
                .trim()
                .split("\\s+")[0]);
        }
        catch (IOException | RuntimeException unknown) {
            return 0;
        }
    }

}
