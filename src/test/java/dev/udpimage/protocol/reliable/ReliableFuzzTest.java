package dev.udpimage.protocol.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.zip.Checksum;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.udpimage.protocol.reliable.ReliableCodec.Ack;
import dev.udpimage.protocol.reliable.ReliableCodec.Message;

/**
 * Seeded fuzz of both reliable-mode codecs (CRC32C, version 1, and CRC-32, version 2):
 * valid datagrams of every type with random bytes and extreme fields (negative or huge
 * lengths, counts, sequence and cumulative numbers), most with their checksum made right
 * again so that the fields are parsed. Decoding never throws; the receiver never throws
 * and holds no more than its limits; a sender whose peer answers that way ends with a
 * result or a {@link ReliableSender.TransferFailed}, never another exception or a hang.
 * {@code -Dfuzz.seed=S} repeats another run.
 */
class ReliableFuzzTest {

    private static final int DATAGRAMS = 100_000;

    private static final long SEED = Long.getLong("fuzz.seed", 7);

    @ParameterizedTest
    @ValueSource(ints = { ReliableCodec.VERSION, ReliableCodec.VERSION_CRC32 })
    void theCodecAndTheReceiverTakeAnything(int version) {
        Random random = new Random(SEED + version);
        long maxInFlight = 4 << 20;
        ReliableReceiver<InetSocketAddress> receiver = new ReliableReceiver<>(8 << 20, Duration.ofMillis(500), 16,
                maxInFlight);
        InetSocketAddress[] senders = { new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.2", 2) };
        long now = 0;
        int decoded = 0;
        for (int i = 0; i < DATAGRAMS; i++) {
            byte[] datagram = hostile(random, version, random.nextInt(4) + 1);
            Message message = ReliableCodec.decode(datagram);
            if (message != null) {
                decoded++;
                if (message instanceof Ack ack) {
                    assertThat(ack.bitmap().length).isLessThanOrEqualTo(ReliableCodec.MAX_BITMAP);
                }
            }
            now += random.nextInt(2_000_000);
            receiver.accept(senders[i & 1], datagram, now);
            assertThat(receiver.inFlightBytes()).isLessThanOrEqualTo(maxInFlight);
            assertThat(receiver.pendingTransfers()).isLessThanOrEqualTo(16);
            if (i % 1000 == 0) {
                receiver.expire(now);
            }
        }
        assertThat(decoded).as("datagrams whose fields were parsed").isGreaterThan(DATAGRAMS / 4);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void aSenderWhosePeerAnswersAnythingEndsCleanly(int round) throws IOException {
        Random random = new Random(SEED * 31 + round);
        byte[] image = new byte[40_000];
        random.nextBytes(image);
        int hostile = 0;
        int transfers = 0;
        while (hostile < DATAGRAMS / 3) {
            HostilePeer peer = new HostilePeer(random);
            ReliableSender.Options options = new ReliableSender.Options(1024, 8, Duration.ofMillis(300),
                    Duration.ofMillis(5));
            long started = System.nanoTime();
            try {
                new ReliableSender().send(image, peer, options);
            }
            catch (ReliableSender.TransferFailed expected) {
                // refused, aborted, an invalid ACK, or the deadline
            }
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms for one transfer").isLessThan(5_000);
            hostile += peer.answered;
            transfers++;
        }
        assertThat(transfers).isPositive();
    }

    /**
     * Answers each datagram of the sender with one of: the right ACK, an ACK with extreme
     * or lying fields, a DONE or ABORT, random bytes, or nothing.
     */
    private static final class HostilePeer implements ReliableSender.Link {

        private final Random random;

        private final Deque<byte[]> replies = new ArrayDeque<>();

        private int transferId;

        private int highest = -1;

        int answered;

        HostilePeer(Random random) {
            this.random = random;
        }

        @Override
        public void send(byte[] datagram) {
            Message message = ReliableCodec.decode(datagram);
            if (message instanceof ReliableCodec.Start start) {
                this.transferId = start.transferId();
            }
            else if (message instanceof ReliableCodec.Data data) {
                this.highest = Math.max(this.highest, data.sequence());
            }
            int id = this.random.nextInt(10) == 0 ? this.random.nextInt() : this.transferId;
            byte[] reply = switch (this.random.nextInt(8)) {
                case 0 -> null;
                case 1 -> ReliableCodec.encode(new Ack(id, this.highest + 1, new byte[0]));
                case 2 -> ReliableCodec.encode(new Ack(id, extreme(this.random), bitmap(this.random)));
                case 3 -> ReliableCodec.encode(new Ack(id, Math.max(0, this.highest - 2), new byte[] { -1, -1 }));
                case 4 -> ReliableCodec.encode(new ReliableCodec.Done(id, this.random.nextInt(256)));
                case 5 -> ReliableCodec.encode(new ReliableCodec.Abort(id, this.random.nextInt(256)));
                case 6 -> mutated(this.random, ReliableCodec.encode(new Ack(id, this.highest + 1, bitmap(this.random))),
                        ReliableCodec.VERSION, 2);
                default -> randomBytes(this.random);
            };
            if (reply != null) {
                this.replies.add(reply);
                this.answered++;
            }
        }

        @Override
        public byte[] receive(Duration timeout) {
            return this.replies.poll();
        }

    }

    /**
     * A valid datagram of a random type, then {@code mutations} of its bytes or fields.
     */
    static byte[] hostile(Random random, int version, int mutations) {
        int id = random.nextInt(4);
        byte[] chunk = randomBytes(random);
        Message message = switch (random.nextInt(5)) {
            case 0 -> new ReliableCodec.Start(id, random.nextBoolean() ? random.nextInt(1 << 20) : random.nextLong(),
                    random.nextInt(1 << 16), extreme(random), random.nextInt());
            case 1 -> new ReliableCodec.Data(id, extreme(random), chunk, 0, random.nextInt(chunk.length + 1));
            case 2 -> new Ack(id, extreme(random), bitmap(random));
            case 3 -> new ReliableCodec.Done(id, random.nextInt(256));
            default -> new ReliableCodec.Abort(id, random.nextInt(256));
        };
        return mutated(random, ReliableCodec.encode(message, version), version, mutations);
    }

    private static byte[] mutated(Random random, byte[] datagram, int version, int mutations) {
        byte[] bytes = datagram;
        switch (random.nextInt(4)) {
            case 0 -> bytes = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - random.nextInt(8)));
            case 1 -> bytes = java.util.Arrays.copyOf(bytes, bytes.length + random.nextInt(16));
            default -> {
                for (int m = 0; m < mutations && bytes.length > 0; m++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
        }
        if (bytes.length >= ReliableCodec.HEADER + ReliableCodec.CRC && random.nextInt(4) != 0) {
            // the checksum made right again, so that the fields are parsed
            int end = bytes.length - ReliableCodec.CRC;
            Checksum crc = ReliableCodec.checksum(version);
            crc.update(bytes, 0, end);
            ByteBuffer.wrap(bytes).putInt(end, (int) crc.getValue());
        }
        return bytes;
    }

    private static int extreme(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> -1 - random.nextInt(1000);
            case 1 -> Integer.MIN_VALUE;
            case 2 -> Integer.MAX_VALUE - random.nextInt(8);
            case 3 -> random.nextInt();
            default -> random.nextInt(64);
        };
    }

    private static byte[] bitmap(Random random) {
        byte[] bitmap = new byte[random.nextInt(4) == 0 ? ReliableCodec.MAX_BITMAP : random.nextInt(16)];
        random.nextBytes(bitmap);
        return bitmap;
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(80)];
        random.nextBytes(bytes);
        return bytes;
    }

}
