package dev.udpimage.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;

/**
 * Neither UDP port is a reflection amplifier: whatever one source sends, it gets back at
 * most three times the bytes (QUIC's limit before an address is validated), error replies
 * are rate-limited per source, and what is not sent is counted
 * ({@code udp.replies.limited}). Each test sends from a loopback address of its own
 * (127.0.0.x), so that the per-source budgets of other tests are not touched.
 */
@ServiceTest
class ReflectionAmplificationTest extends ServiceTestSupport {

    private static final int DATAGRAMS = 10_000;

    @Autowired
    MeterRegistry registry;

    @Test
    void tenThousandHostileDatagramsPerPortGetBackAtMostThreeTimesTheirBytes() throws Exception {
        Traffic image = exchange("127.0.0.11", this.ports.image(), DATAGRAMS,
                new SeededHostile(HostileInputTest::hostileImageDatagram, 41));
        Traffic list = exchange("127.0.0.12", this.ports.list(), DATAGRAMS,
                new SeededHostile(HostileInputTest::hostileListDatagram, 42));
        System.out.printf("hostile fuzz, one source per port: image %s, list %s%n", image, list);
        assertThat(image.replyBytes()).isLessThanOrEqualTo(3 * image.sentBytes());
        assertThat(list.replyBytes()).isLessThanOrEqualTo(3 * list.sentBytes());
        assertThat(image.replies() + list.replies()).as("replies still go out").isPositive();
    }

    @Test
    void aFloodOfTinyDatagramsGetsItsRepliesRateLimited() throws Exception {
        double rateLimitedBefore = limited("list", "rate") + limited("image", "rate");
        Traffic garbage = exchange("127.0.0.13", this.ports.list(), 5000, i -> new byte[] { 'x' });
        Traffic oneByteImages = exchange("127.0.0.14", this.ports.image(), 5000, i -> new byte[] { 1 });
        System.out.printf("1-byte floods: list %s, image %s%n", garbage, oneByteImages);
        assertThat(limited("list", "rate") + limited("image", "rate") - rateLimitedBefore).isPositive();
        assertThat(garbage.replies()).isLessThan(garbage.sent() / 4);
        assertThat(oneByteImages.replies()).isLessThan(oneByteImages.sent() / 4);
        assertThat(garbage.replyBytes()).isLessThanOrEqualTo(3 * garbage.sentBytes());
        assertThat(oneByteImages.replyBytes()).isLessThanOrEqualTo(3 * oneByteImages.sentBytes());
    }

    @Test
    void aValidTwoByteListIsAnsweredButAFloodOfThemIsHeldToTheBudget() throws Exception {
        Traffic one = exchange("127.0.0.15", this.ports.list(), 1, i -> "[]".getBytes(StandardCharsets.US_ASCII));
        assertThat(one.replies()).as("the first [] gets its get the msg").isEqualTo(1);
        assertThat(one.replyBytes()).isEqualTo(11);

        double budgetBefore = limited("list", "budget");
        long started = System.nanoTime();
        Traffic flood = exchange("127.0.0.16", this.ports.list(), 5000, i -> "[]".getBytes(StandardCharsets.US_ASCII));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[] flood: %s in %.1f s%n", flood, seconds);
        assertThat(limited("list", "budget") - budgetBefore).isPositive();
        // three times what was sent, and the small allowance that refills over time (1
        // KB, 1 KB a second)
        assertThat(flood.replyBytes()).isLessThanOrEqualTo(3 * flood.sentBytes() + 1024 + (long) (1024 * seconds));
    }

    private double limited(String port, String reason) {
        Counter counter = this.registry.find("udp.replies.limited").tag("port", port).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    record Traffic(int sent, long sentBytes, int replies, long replyBytes) {

        @Override
        public String toString() {
            return String.format("%d datagrams (%d bytes) -> %d replies (%d bytes, %.2fx)", this.sent, this.sentBytes,
                    this.replies, this.replyBytes, this.replyBytes / (double) this.sentBytes);
        }
    }

    /**
     * Sends {@code count} datagrams from {@code source} and counts every reply until none
     * comes for a second.
     */
    private static Traffic exchange(String source, int port, int count, Function<Integer, byte[]> datagrams)
            throws IOException, InterruptedException {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            channel.configureBlocking(false);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            ByteBuffer reply = ByteBuffer.allocate(65_536);
            long sentBytes = 0;
            int replies = 0;
            long replyBytes = 0;
            for (int i = 0; i < count; i++) {
                byte[] datagram = datagrams.apply(i);
                sentBytes += datagram.length;
                while (channel.send(ByteBuffer.wrap(datagram), target) == 0 && datagram.length > 0) {
                    Thread.sleep(1); // the socket's send buffer is full
                }
                if (i % 100 == 99) {
                    Thread.sleep(1); // a fuzz, not a flood that the kernel would drop
                }
                for (reply.clear(); channel.receive(reply) != null; reply.clear()) {
                    replies++;
                    replyBytes += reply.position();
                }
            }
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < 1_000_000_000L) {
                reply.clear();
                if (channel.receive(reply) != null) {
                    replies++;
                    replyBytes += reply.position();
                    quietSince = System.nanoTime();
                }
                else {
                    Thread.sleep(5);
                }
            }
            return new Traffic(count, sentBytes, replies, replyBytes);
        }
    }

    /** The fuzz's hostile datagrams, from a seed. */
    private record SeededHostile(Function<Random, byte[]> generator,
            Random random) implements Function<Integer, byte[]> {

        SeededHostile(Function<Random, byte[]> generator, long seed) {
            this(generator, new Random(seed));
        }

        @Override
        public byte[] apply(Integer i) {
            return this.generator.apply(this.random);
        }
    }

}
