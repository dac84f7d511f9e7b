package dev.udpimage.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import dev.udpimage.flow.ReceiveStats;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import dev.udpimage.udp.BatchedInboundAdapter;
import dev.udpimage.udp.DatagramInboundAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Whatever arrives, the service stays up, answers the next real image and list from the
 * very same sockets, never sends where a payload says, and keeps its memory bounded. The
 * fuzz is seeded and repeatable: {@code -Dfuzz.datagrams=N} (default in the normal build:
 * a few thousand per port; {@code -Pfuzz}: 50 000) and {@code -Dfuzz.seed=S}.
 */
@ServiceTest
// headers of 50 MB are legal here
@TestPropertySource(properties = "udp.transfer.max-image-bytes=64MB")
class HostileInputTest extends ServiceTestSupport {

    private static final int DATAGRAMS = Integer.getInteger("fuzz.datagrams", 3000);

    private static final long SEED = Long.getLong("fuzz.seed", 42);

    @Autowired
    BatchedInboundAdapter imageInbound;

    @Autowired
    DatagramInboundAdapter listInbound;

    @Autowired
    ReceiveStats stats;

    @Test
    void fuzzedDatagramsOnBothPortsLeaveTheServiceWhole() throws Exception {
        Random random = new Random(SEED);
        List<LegacyTestClient> imageClients = new ArrayList<>();
        List<LegacyTestClient> listClients = new ArrayList<>();
        try (DatagramSocket trap = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (int i = 0; i < 4; i++) {
                imageClients.add(new LegacyTestClient(this.ports.image()));
                listClients.add(new LegacyTestClient(this.ports.list()));
            }
            ReceiveStats.PortStats imageBefore = this.stats.byPort().get("image");
            ReceiveStats.PortStats listBefore = this.stats.byPort().get("list");
            byte[] ackInjection = ("ip_ackTo=127.0.0.1:" + trap.getLocalPort()
                    + ";id=00000000-0000-0000-0000-000000000001;hello")
                .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < DATAGRAMS; i++) {
                imageClients.get(i % 4).send(i % 97 == 0 ? ackInjection : hostileImageDatagram(random));
                listClients.get(i % 4).send(i % 89 == 0 ? ackInjection : hostileListDatagram(random));
                if (i % 200 == 0) {
                    // let the kernel buffers drain a little: this is a fuzz, not a flood
                    Thread.sleep(2);
                }
            }
            // every half-open transfer is gone once the stall timeout has passed, and
            // every datagram is accounted for
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(this.stats.byPort().get("image").pendingTransfers()).isZero();
                assertThat(this.stats.byPort().get("image").inflightBytes()).isZero();
                assertEveryDatagramHandledOrDroppedByTheKernel(imageBefore, this.stats.byPort().get("image"));
                assertEveryDatagramHandledOrDroppedByTheKernel(listBefore, this.stats.byPort().get("list"));
            });

            Http http = http();
            assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
            assertThat(this.imageInbound.isRunning()).isTrue();
            assertThat(this.listInbound.isRunning()).isTrue();

            byte[] jpeg = TestImages.smallJpeg(77);
            for (LegacyTestClient client : imageClients) {
                drain(client);
                client.sendChunked(jpeg);
                assertThat(client.reply()).isEqualTo("get message!!!");
            }
            for (LegacyTestClient client : listClients) {
                drain(client);
                client.send("[0, 0, 0, 7]");
                assertThat(client.reply()).isEqualTo("get the msg");
            }
            assertThat(http.get("/received/lists").status()).isEqualTo(200);
            assertThat(http.get("/received/images").status()).isEqualTo(200);
            assertThat(received(trap)).as("nothing is sent to an address named in a payload").isZero();

            JsonNode stats = http.get("/received/stats").json();
            JsonNode imageFailures = stats.at("/ports/image/failed");
            for (String reason : new String[] { "bad-header", "oversize", "undecodable" }) {
                assertThat(imageFailures.path(reason).asLong()).as(reason).isPositive();
            }
            assertThat(stats.at("/ports/list/failed/invalid-json").asLong()).isPositive();
            long imageDatagrams = stats.at("/ports/image/datagrams").asLong();
            System.out.printf(
                    "fuzz: image port handled %d datagrams (more than %d needed), socket drops %s; "
                            + "list port handled %d, socket drops %s%n",
                    imageDatagrams, DATAGRAMS / 2, stats.at("/ports/image/socketDrops"),
                    stats.at("/ports/list/datagrams").asLong(), stats.at("/ports/list/socketDrops"));
            assertThat(imageDatagrams).isGreaterThan(DATAGRAMS / 2);
            String prometheus = http.get("/actuator/prometheus").text();
            assertThat(prometheus).contains("udp_datagrams_total{port=\"image\"}")
                .contains("udp_transfers_failed_total{port=\"list\",reason=\"invalid-json\"}")
                .contains("udp_transfers_pending{port=\"image\"}");
        }
        finally {
            imageClients.forEach(LegacyTestClient::close);
            listClients.forEach(LegacyTestClient::close);
        }
    }

    /**
     * Nothing vanishes: what the flow never saw, the kernel counted as dropped on the
     * full socket.
     */
    private static void assertEveryDatagramHandledOrDroppedByTheKernel(ReceiveStats.PortStats before,
            ReceiveStats.PortStats after) {
        if (after.socketDrops() == null) { // the kernel doesn't say (not Linux)
            return;
        }
        assertThat((after.datagrams() - before.datagrams()) + (after.socketDrops() - before.socketDrops()))
            .as("datagrams handled + dropped by the kernel")
            .isEqualTo(DATAGRAMS);
    }

    @Test
    void threeHundredHalfOpenFiftyMegabyteTransfersKeepMemoryBounded() throws Exception {
        System.gc();
        long baseline = heapUsed();
        // what the heap holds: measured after a full collection now and then during the
        // flood, since between
        // collections it also holds whatever garbage G1's heuristics let accumulate
        // (hundreds of MB, varying)
        AtomicLong peak = new AtomicLong(baseline);
        AtomicLong peakUsed = new AtomicLong(baseline);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peakUsed.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(5);
                }
                catch (InterruptedException ex) {
                    return;
                }
            }
        });
        sampler.start();
        List<LegacyTestClient> clients = new ArrayList<>();
        long maxPending = 0;
        long maxInflight = 0;
        try {
            for (int i = 0; i < 300; i++) {
                LegacyTestClient client = new LegacyTestClient(this.ports.image());
                clients.add(client);
                client.send(header(50L << 20));
            }
            byte[] chunk = new byte[1024];
            // ~1 MB into each: 300 MB, over the 96 MB limit
            for (int round = 0; round < 1000; round++) {
                for (LegacyTestClient client : clients) {
                    client.send(chunk);
                }
                if (round % 200 == 100) {
                    System.gc();
                    peak.accumulateAndGet(heapUsed(), Math::max);
                }
                if (round % 50 == 0) {
                    ReceiveStats.PortStats image = this.stats.byPort().get("image");
                    maxPending = Math.max(maxPending, image.pendingTransfers());
                    maxInflight = Math.max(maxInflight, image.inflightBytes());
                    Thread.sleep(20);
                }
            }
        }
        finally {
            sampling.set(false);
            sampler.join();
            clients.forEach(LegacyTestClient::close);
        }
        long peakMb = (peak.get() - baseline) >> 20;
        System.out.printf(
                "300 half-open 50 MB transfers: peak pending %d, peak in-flight %d MB, "
                        + "peak heap above baseline %d MB after full collections (%d MB with garbage)%n",
                maxPending, maxInflight >> 20, peakMb, (peakUsed.get() - baseline) >> 20);
        assertThat(maxPending).isLessThanOrEqualTo(256);
        assertThat(maxInflight).isLessThanOrEqualTo(96L << 20);
        assertThat(peakMb).isLessThan(700);
        assertThat(this.stats.byPort().get("image").failed().get("evicted")).isPositive();
    }

    // ---- the fuzz
    // ---------------------------------------------------------------------------------------------

    static byte[] hostileImageDatagram(Random random) {
        int kind = random.nextInt(10);
        return switch (kind) {
            case 0 -> new byte[0];
            case 1 -> randomBytes(random, 7);
            case 2 -> randomBytes(random, 9);
            case 3 -> header(pick(random, -1, 0, 1L << 62, Long.MIN_VALUE, Long.MAX_VALUE, 100L << 20));
            // a plausible transfer, usually never finished
            case 4 -> header(1 + random.nextInt(5000));
            case 5 -> {
                // JPEG signature, then noise
                byte[] fake = randomBytes(random, 3 + random.nextInt(3000));
                fake[0] = (byte) 0xFF;
                fake[1] = (byte) 0xD8;
                fake[2] = (byte) 0xFF;
                yield fake;
            }
            // near the maximum
            case 6 -> randomBytes(random, 60_000 + random.nextInt(65_507 - 60_000 + 1));
            default -> randomBytes(random, logUniform(random, 65_507));
        };
    }

    static byte[] hostileListDatagram(Random random) {
        int kind = random.nextInt(12);
        String text = switch (kind) {
            case 0 -> "";
            case 1 -> "[0, 0, 0";
            // an object, which is valid
            case 2 -> "{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}";
            case 3 -> "[".repeat(5000) + "]".repeat(5000);
            case 4 -> "[1e400, -1e400, 123456789012345678901234567890]";
            case 5 -> "[" + "9".repeat(5000) + "]";
            case 6 -> "[\"\\ud800\"]";
            case 7 -> null;
            case 8 -> "[0, 0, 0, " + random.nextInt() + "]";
            default -> null;
        };
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = randomBytes(random, logUniform(random, 65_507));
        if (kind == 7 && bytes.length > 2) { // invalid UTF-8 inside a JSON string
            bytes[0] = '"';
            bytes[1] = (byte) 0xC3;
            bytes[2] = (byte) 0x28;
        }
        return bytes;
    }

    private static int logUniform(Random random, int max) {
        return (int) Math.min(max, Math.round(Math.exp(random.nextDouble() * Math.log(max + 1.0))) - 1);
    }

    private static long pick(Random random, long... values) {
        return values[random.nextInt(values.length)];
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] header(long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }

    private static void drain(LegacyTestClient client) {
        while (client.reply(Duration.ofMillis(50)) != null) {
            // replies to the fuzz
        }
    }

    private static int received(DatagramSocket socket) throws IOException {
        socket.setSoTimeout(200);
        int count = 0;
        try {
            while (true) {
                socket.receive(new DatagramPacket(new byte[65_535], 65_535));
                count++;
            }
        }
        catch (SocketTimeoutException done) {
            return count;
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

}
