package dev.udpimage.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import dev.udpimage.protocol.reliable.DatagramLink;
import dev.udpimage.protocol.reliable.ReliableSender;
import dev.udpimage.support.Impairer;
import dev.udpimage.support.LossyRelay;

/**
 * The workloads beyond what a {@link Sender} does: recovery after a lost datagram, and
 * reliable mode.
 */
final class Workloads {

    /**
     * A transfer loses its second half; the same client (same source port) then retries
     * the image every 200 ms. The row's latency is the time from the last datagram that
     * arrived to the first success.
     */
    static Row recovery(String name, String target, InetSocketAddress address, byte[] image) throws IOException {
        try (LegacyLoad load = new LegacyLoad(address, Duration.ofMillis(200))) {
            load.sendHalf(image);
            long brokenAt = System.nanoTime();
            long deadline = brokenAt + Duration.ofSeconds(10).toNanos();
            int attempts = 0;
            while (System.nanoTime() < deadline) {
                attempts++;
                if (load.retryImageSameSocket(image)) {
                    long nanos = System.nanoTime() - brokenAt;
                    return new Row(name, target, attempts, 1, 0, nanos / 1e9, new long[] { nanos });
                }
            }
            return new Row(name, target, attempts, 0, 0, 10, new long[0]);
        }
    }

    /**
     * Reliable-mode transfers of one image in 8 KB chunks, directly or through a lossy
     * relay; a table row.
     */
    static String reliable(String name, InetSocketAddress service, byte[] image, int count, Impairer.Rates loss)
            throws Exception {
        return reliable(name, service, image, count, loss, 8192);
    }

    static String reliable(String name, InetSocketAddress service, byte[] image, int count, Impairer.Rates loss,
            int chunkSize) throws Exception {
        LossyRelay relay = loss == null ? null : new LossyRelay(service.getPort(), loss, 42);
        InetSocketAddress target = relay == null ? service
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.port());
        long[] latencies = new long[count];
        int completed = 0;
        int retransmissions = 0;
        Duration startTimeout = ReliableSender.Options.DEFAULT.initialRto();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                try (DatagramLink link = new DatagramLink(target)) {
                    ReliableSender.Result result = new ReliableSender().send(image, link,
                            ReliableSender.Options.forChunkSize(chunkSize, Duration.ofSeconds(60))
                                .withInitialRto(startTimeout));
                    // as SendService keeps it per target
                    startTimeout = result.suggestedInitialRto();
                    retransmissions += result.retransmissions();
                    latencies[completed++] = System.nanoTime() - t0;
                }
                catch (ReliableSender.TransferFailed failed) {
                    System.out.println("  reliable transfer failed: " + failed.getMessage());
                }
            }
        }
        finally {
            if (relay != null) {
                relay.close();
            }
        }
        Row row = new Row(name, "reliable", count, completed, image.length, (System.nanoTime() - started) / 1e9,
                Arrays.copyOf(latencies, completed));
        String line = String.format(Locale.ROOT, "| %s | %d/%d | %.1f | %d | %.1f / %.1f |", name, completed, count,
                row.megabytesPerSecond(), retransmissions, row.percentileMs(0.5), row.percentileMs(0.99));
        System.out.println("  " + line);
        return line;
    }

    private Workloads() {
    }

}
