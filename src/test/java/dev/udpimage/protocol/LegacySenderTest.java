package dev.udpimage.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sender against a real UDP peer on loopback that records every datagram and replies
 * like a receiver.
 */
class LegacySenderTest {

    private final LegacySender sender = new LegacySender();

    private final List<byte[]> received = new CopyOnWriteArrayList<>();

    private DatagramSocket peer;

    private Thread peerThread;

    /** The peer replies "ok" once it has {@code replyAfter} datagrams; 0 = never. */
    private volatile int replyAfter;

    @BeforeEach
    void startPeer() throws IOException {
        this.peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.peer.setReceiveBufferSize(4 << 20);
        this.peerThread = new Thread(() -> {
            byte[] buffer = new byte[65_535];
            try {
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    this.peer.receive(packet);
                    this.received.add(Arrays.copyOf(buffer, packet.getLength()));
                    if (this.replyAfter > 0 && this.received.size() == this.replyAfter) {
                        byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
                        this.peer.send(new DatagramPacket(ok, ok.length, packet.getSocketAddress()));
                    }
                }
            }
            catch (IOException closed) {
                // test over
            }
        });
        this.peerThread.start();
    }

    @AfterEach
    void stopPeer() throws InterruptedException {
        this.peer.close();
        this.peerThread.join();
    }

    private InetSocketAddress target() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), this.peer.getLocalPort());
    }

    private static byte[] image(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    @Test
    void chunkedIsAHeaderThenBackToBackChunks() throws IOException {
        byte[] image = image(5000);
        this.replyAfter = 1 + 5;
        LegacySender.Result result = this.sender.sendImage(target(), image, LegacySender.Mode.CHUNKED, 1024,
                Duration.ofSeconds(5));
        assertThat(result.reply()).isEqualTo("ok");
        assertThat(result.datagrams()).isEqualTo(6);
        assertThat(result.bytes()).isEqualTo(5000);
        assertThat(this.received.get(0)).isEqualTo(LegacyProtocol.encodeHeader(5000));
        assertThat(this.received.subList(1, 6)).extracting(b -> b.length).containsExactly(1024, 1024, 1024, 1024, 904);
        byte[] joined = new byte[5000];
        for (int i = 1; i < 6; i++) {
            System.arraycopy(this.received.get(i), 0, joined, (i - 1) * 1024, this.received.get(i).length);
        }
        assertThat(joined).isEqualTo(image);
    }

    @Test
    void aMultipleOfTheChunkSizeSendsNoEmptyDatagram() throws IOException {
        this.replyAfter = 1 + 4;
        LegacySender.Result result = this.sender.sendImage(target(), image(4096), LegacySender.Mode.CHUNKED, 1024,
                Duration.ofSeconds(5));
        assertThat(result.datagrams()).isEqualTo(5);
        assertThat(this.received).allSatisfy(datagram -> assertThat(datagram).isNotEmpty());
    }

    @Test
    void chunkSizeIsConfigurable() throws IOException {
        this.replyAfter = 1 + 2;
        LegacySender.Result result = this.sender.sendImage(target(), image(100_000), LegacySender.Mode.CHUNKED, 60_000,
                Duration.ofSeconds(5));
        assertThat(result.datagrams()).isEqualTo(3);
        assertThat(this.received.get(1)).hasSize(60_000);
    }

    @Test
    void wholeIsOneDatagram() throws IOException {
        byte[] image = image(65_507);
        this.replyAfter = 1;
        LegacySender.Result result = this.sender.sendImage(target(), image, LegacySender.Mode.WHOLE, 1024,
                Duration.ofSeconds(5));
        assertThat(result.datagrams()).isEqualTo(1);
        assertThat(this.received).singleElement().isEqualTo(image);
        assertThatIllegalArgumentException().isThrownBy(() -> this.sender.sendImage(target(), image(65_508),
                LegacySender.Mode.WHOLE, 1024, Duration.ofSeconds(1)));
    }

    @Test
    void aListIsOneJsonDatagram() throws IOException {
        this.replyAfter = 1;
        LegacySender.Result result = this.sender.sendList(target(), "[0,0,0,7]", Duration.ofSeconds(5));
        assertThat(result.reply()).isEqualTo("ok");
        assertThat(new String(this.received.get(0), StandardCharsets.UTF_8)).isEqualTo("[0,0,0,7]");
    }

    @Test
    void noReplyWithinTheTimeoutIsReported() {
        this.replyAfter = 0;
        long started = System.nanoTime();
        assertThatThrownBy(() -> this.sender.sendImage(target(), image(3000), LegacySender.Mode.CHUNKED, 1024,
                Duration.ofMillis(300)))
            .isInstanceOf(LegacySender.NoReplyException.class)
            .hasMessageContaining("within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void emptyImagesAndBadChunkSizesAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.sender.sendImage(target(), new byte[0],
                LegacySender.Mode.CHUNKED, 1024, Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(
                () -> this.sender.sendImage(target(), image(10), LegacySender.Mode.CHUNKED, 0, Duration.ofSeconds(1)));
        assertThat(this.received).isEmpty();
    }

}
