package dev.udpimage.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import dev.udpimage.protocol.LegacyProtocol;
import dev.udpimage.protocol.LegacySender;
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
        return line(name, "reliable", image, count, completed, latencies, retransmissions, started);
    }

    /**
     * The control plane's legacy sender ({@code POST /send/image} without HTTP): chunked,
     * 1024-byte chunks, stop-and-wait, at {@code pacing}; a table row like the reliable
     * ones.
     */
    static String legacyJava(String name, InetSocketAddress target, byte[] image, int count, LegacySender.Pacing pacing)
            throws IOException {
        LegacySender sender = new LegacySender();
        long[] latencies = new long[count];
        int completed = 0;
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            try {
                LegacySender.Result result = sender.sendImage(target, image, LegacySender.Mode.CHUNKED,
                        LegacyProtocol.CHUNK_SIZE, Duration.ofSeconds(5), pacing);
                if (LegacyProtocol.IMAGE_REPLY.equals(result.reply())) {
                    latencies[completed++] = System.nanoTime() - t0;
                }
            }
            catch (LegacySender.NoReplyException lost) {
                System.out.println("  legacy send lost: " + lost.getMessage());
            }
        }
        return line(name, "legacy", image, count, completed, latencies, 0, started);
    }

    /** {@code clients/python/reliable_send.py}, one process per image; a table row. */
    static String pythonReliable(String name, InetSocketAddress target, byte[] image, int count)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile("bench-", ".jpg");
        Files.write(file, image);
        long[] latencies = new long[count];
        int completed = 0;
        double sumOfRates = 0;
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            Process process = new ProcessBuilder("/usr/bin/python3", "clients/python/reliable_send.py", file.toString(),
                    "127.0.0.1", String.valueOf(target.getPort()))
                .redirectErrorStream(true)
                .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() == 0 && output.contains("done: stored")) {
                latencies[completed++] = System.nanoTime() - t0;
                sumOfRates += Double.parseDouble(output.replaceAll("(?s).*MB_per_s=([0-9.]+).*", "$1"));
            }
            else {
                System.out.println("  python reliable send failed: " + output.strip());
            }
        }
        Files.delete(file);
        String row = line(name, "reliable", image, count, completed, latencies, 0, started);
        return row + String.format(Locale.ROOT,
                " (the sender's own MB/s, mean: %.1f; the row's includes starting " + "Python)",
                completed == 0 ? 0 : sumOfRates / completed);
    }

    /** A row of the reliable-mode table, printed as it is measured. */
    private static String line(String name, String target, byte[] image, int count, int completed, long[] latencies,
            int retransmissions, long started) {
        Row row = new Row(name, target, count, completed, image.length, (System.nanoTime() - started) / 1e9,
                Arrays.copyOf(latencies, completed));
        String line = String.format(Locale.ROOT, "| %s | %d/%d | %.1f | %d | %.1f / %.1f |", name, completed, count,
                row.megabytesPerSecond(), retransmissions, row.percentileMs(0.5), row.percentileMs(0.99));
        System.out.println("  " + line);
        return line;
    }

    private Workloads() {
    }

}
