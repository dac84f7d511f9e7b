package dev.udpimage.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark's legacy sender in Java ({@link LegacyLoad} on a
 * {@code DatagramChannel}), used when gcc is not there to build {@link NativeSender}. Its
 * own per-datagram cost is a large share of the machine on 2 cores, so the fastest
 * receivers look slower with it than they are.
 */
final class JavaSender implements Sender {

    @Override
    public String describe() {
        return "Java legacy sender (LegacyLoad; gcc was not available for the native one)";
    }

    @Override
    public Row stopAndWait(String name, String target, InetSocketAddress address, byte[] image, int count)
            throws IOException {
        long[] latencies = new long[count];
        int completed = 0;
        int failuresInARow = 0;
        int sent = 0;
        long started = System.nanoTime();
        try (LegacyLoad load = new LegacyLoad(address, Processes.REPLY_TIMEOUT)) {
            while (sent < count && failuresInARow < 3) {
                long t0 = System.nanoTime();
                String reply = load.sendImage(image);
                sent++;
                if ("get message!!!".equals(reply)) {
                    latencies[completed++] = System.nanoTime() - t0;
                    failuresInARow = 0;
                }
                else {
                    failuresInARow++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Row(name, target, count, completed, image.length, seconds, Arrays.copyOf(latencies, completed));
    }

    @Override
    public Row concurrent(String name, String target, InetSocketAddress address, byte[] image, int senders, int each)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long started = System.nanoTime();
        try {
            List<Future<Row>> results = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                results.add(pool.submit(() -> stopAndWait(name, target, address, image, each)));
            }
            int completed = 0;
            List<long[]> latencies = new ArrayList<>();
            for (Future<Row> result : results) {
                completed += result.get().completed();
                latencies.add(result.get().latenciesNanos());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Row(name, target, senders * each, completed, image.length, seconds,
                    latencies.stream().flatMapToLong(Arrays::stream).toArray());
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Override
    public Row lists(String name, String target, InetSocketAddress address, int count) throws IOException {
        long[] latencies = new long[count];
        int completed = 0;
        long started = System.nanoTime();
        try (LegacyLoad load = new LegacyLoad(address, Processes.REPLY_TIMEOUT)) {
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                if ("get the msg".equals(load.sendList("[0, 0, 0, " + i + "]"))) {
                    latencies[completed++] = System.nanoTime() - t0;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Row(name, target, count, completed, 0, seconds, Arrays.copyOf(latencies, completed));
    }

}
