package dev.udpimage.udp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Datagrams the kernel dropped on a UDP port because its socket buffer was full: the
 * {@code drops} column of Linux's {@code /proc/net/udp} and {@code /proc/net/udp6}. These
 * never reach the service, so no step of the flow can count them, yet they are what a
 * burst faster than the receive thread costs (docs/benchmark.md). The benchmark reads it
 * too, for every receiver it drives.
 */
public final class SocketDrops {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private SocketDrops() {
    }

    /**
     * @return the drops on sockets bound to {@code port}, or NaN where the kernel doesn't
     * say (not Linux)
     */
    public static double of(int port) {
        return of(port, TABLES);
    }

    static double of(int port, List<Path> tables) {
        String localPort = String.format(Locale.ROOT, ":%04X", port);
        long drops = 0;
        boolean read = false;
        for (Path table : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            }
            catch (IOException ex) {
                continue;
            }
            read = true;
            // after the heading
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt
                // uid timeout inode ref
                // pointer drops
                if (fields.length >= 13 && fields[1].endsWith(localPort)) {
                    drops += Long.parseLong(fields[fields.length - 1]);
                }
            }
        }
        return read ? drops : Double.NaN;
    }

}
