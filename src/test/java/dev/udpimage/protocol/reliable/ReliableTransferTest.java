package dev.udpimage.protocol.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.udpimage.support.Impairer.Rates;

/**
 * Both ends of reliable mode over impaired in-memory paths, in both directions, seeded
 * and repeatable.
 */
class ReliableTransferTest {

    private final List<byte[]> stored = new CopyOnWriteArrayList<>();

    private final AtomicBoolean running = new AtomicBoolean(true);

    private Thread receiverThread;

    @AfterEach
    void stop() throws InterruptedException {
        this.running.set(false);
        if (this.receiverThread != null) {
            this.receiverThread.join();
        }
    }

    /** Starts a receiver on the far end of two pipes; returns the sender's link. */
    private ReliableSender.Link connect(Rates impairment, long seed, ReliableReceiver<String> receiver) {
        LossyPipe toReceiver = new LossyPipe(impairment, seed);
        LossyPipe toSender = new LossyPipe(impairment, seed + 1);
        this.receiverThread = new Thread(() -> {
            try {
                while (this.running.get()) {
                    byte[] datagram = toReceiver.receive(Duration.ofMillis(20));
                    if (datagram == null) {
                        receiver.expire(System.nanoTime());
                        continue;
                    }
                    ReliableReceiver.Outcome outcome = receiver.accept("sender", datagram, System.nanoTime());
                    outcome.replies().forEach(toSender::send);
                    if (outcome.completed() != null) {
                        this.stored.add(outcome.completed().image());
                        toSender.send(receiver.done("sender", outcome.completed().transferId(),
                                ReliableCodec.Done.STORED, System.nanoTime()));
                    }
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        this.receiverThread.start();
        return new ReliableSender.Link() {
            @Override
            public void send(byte[] datagram) {
                toReceiver.send(datagram);
            }

            @Override
            public byte[] receive(Duration timeout) throws IOException {
                try {
                    return toSender.receive(timeout);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ex);
                }
            }
        };
    }

    private static ReliableReceiver<String> receiver() {
        return new ReliableReceiver<>(64 << 20, Duration.ofSeconds(2), 256, 256L << 20);
    }

    private static byte[] image(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void aLosslessTransferNeedsNoMoreThanTheOddTimerRetransmission() throws IOException {
        ReliableSender.Link link = connect(Rates.NONE, 1, receiver());
        byte[] image = image(2_000_000, 1);
        ReliableSender.Result result = new ReliableSender().send(image, link, ReliableSender.Options.DEFAULT);
        assertThat(this.stored).singleElement().satisfies(got -> assertThat(got).isEqualTo(image));
        // nothing is lost; only a thread stalled past the 50 ms minimum RTO could cause a
        // resend
        assertThat(result.retransmissions()).isLessThanOrEqualTo(2);
        assertThat(result.datagrams()).isEqualTo(1 + (2_000_000 + 8191) / 8192 + result.retransmissions());
    }

    @Test
    void twentyImagesArriveBitExactThroughLossReorderingDuplicationAndCorruption() throws IOException {
        ReliableSender.Link link = connect(new Rates(0.05, 0.05, 0.01, 0.001), 2, receiver());
        int retransmissions = 0;
        for (int i = 0; i < 20; i++) {
            byte[] image = image(2_000_000, 100 + i);
            ReliableSender.Result result = new ReliableSender().send(image, link, ReliableSender.Options.DEFAULT);
            assertThat(this.stored.get(i)).isEqualTo(image);
            retransmissions += result.retransmissions();
        }
        assertThat(this.stored).hasSize(20);
        assertThat(retransmissions).isPositive();
    }

    @Test
    void thirtyPercentLossStillCompletes() throws IOException {
        ReliableSender.Link link = connect(new Rates(0.30, 0.05, 0.01, 0.001), 3, receiver());
        byte[] image = image(1_000_000, 3);
        ReliableSender.Result result = new ReliableSender().send(image, link,
                new ReliableSender.Options(8192, 512, Duration.ofSeconds(20)));
        assertThat(this.stored).singleElement().satisfies(got -> assertThat(got).isEqualTo(image));
        assertThat(result.retransmissions()).isGreaterThan(30);
    }

    @Test
    void withNobodyAnsweringTheSenderGivesUpAtTheDeadline() {
        ReliableSender.Link silent = new ReliableSender.Link() {
            @Override
            public void send(byte[] datagram) {
            }

            @Override
            public byte[] receive(Duration timeout) throws IOException {
                try {
                    Thread.sleep(timeout.toMillis());
                }
                catch (InterruptedException ex) {
                    throw new IOException(ex);
                }
                return null;
            }
        };
        long started = System.nanoTime();
        assertThatThrownBy(() -> new ReliableSender().send(image(10_000, 4), silent,
                new ReliableSender.Options(8192, 64, Duration.ofMillis(800))))
            .isInstanceOf(ReliableSender.TransferFailed.class)
            .hasMessageContaining("not finished within 800 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aCorruptedImageIsRefusedNotStored() throws IOException {
        ReliableReceiver<String> receiver = receiver();
        byte[] image = image(20_000, 5);
        // a START announcing another CRC than the chunks will give
        byte[] start = ReliableCodec.encode(new ReliableCodec.Start(7, image.length, 8192, 3, 12345));
        assertThat(receiver.accept("s", start, 0).replies()).hasSize(1);
        ReliableReceiver.Outcome last = null;
        for (int seq = 0; seq < 3; seq++) {
            int offset = seq * 8192;
            last = receiver.accept("s", ReliableCodec
                .encode(new ReliableCodec.Data(7, seq, image, offset, Math.min(8192, image.length - offset))), 0);
        }
        assertThat(last.completed()).isNull();
        assertThat(ReliableCodec.decode(last.replies().get(0)))
            .isEqualTo(new ReliableCodec.Done(7, ReliableCodec.Done.CRC_MISMATCH));
    }

    @Test
    void theCodecRoundTripsAndRejectsCorruption() {
        byte[] bitmap = { (byte) 0b1010_0000 };
        ReliableCodec.Ack ack = new ReliableCodec.Ack(9, 100, bitmap);
        byte[] encoded = ReliableCodec.encode(ack);
        ReliableCodec.Ack decoded = (ReliableCodec.Ack) ReliableCodec.decode(encoded);
        assertThat(decoded.cumulative()).isEqualTo(100);
        assertThat(decoded.has(99)).isTrue();
        assertThat(decoded.has(100)).isFalse();
        assertThat(decoded.has(101)).isTrue();
        assertThat(decoded.has(102)).isFalse();
        assertThat(decoded.has(103)).isTrue();
        for (int i = 0; i < encoded.length; i++) {
            byte[] flipped = encoded.clone();
            flipped[i] ^= 0x01;
            assertThat(ReliableCodec.decode(flipped)).as("bit flipped in byte " + i).isNull();
        }
        assertThat(encoded.length).isNotEqualTo(8);
        assertThat(ReliableCodec
            .isReliable(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }))
            .isFalse();
        assertThat(Arrays.copyOf(encoded, 4)).containsExactly(0xB7, 'R', 'U', 'I');
    }

}
