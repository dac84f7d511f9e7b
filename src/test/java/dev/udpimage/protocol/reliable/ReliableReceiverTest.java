package dev.udpimage.protocol.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;

import dev.udpimage.protocol.reliable.ReliableCodec.Ack;
import dev.udpimage.protocol.reliable.ReliableCodec.Data;
import dev.udpimage.protocol.reliable.ReliableCodec.Start;

/**
 * The receiver's side on its own, datagram by datagram: when it answers, and with what.
 */
class ReliableReceiverTest {

    private static final int CHUNK = 100;

    private static final int CHUNKS = 10;

    private final ReliableReceiver<String> receiver = new ReliableReceiver<>(1 << 20, Duration.ofSeconds(2), 16,
            1 << 20);

    private final byte[] image = new byte[CHUNK * CHUNKS - 30];

    private ReliableReceiver.Outcome send(int sequence) {
        int offset = sequence * CHUNK;
        int length = Math.min(CHUNK, this.image.length - offset);
        return this.receiver.accept("s", ReliableCodec.encode(new Data(7, sequence, this.image, offset, length)), 0);
    }

    private static Ack onlyAck(ReliableReceiver.Outcome outcome) {
        assertThat(outcome.replies()).hasSize(1);
        return (Ack) ReliableCodec.decode(outcome.replies().get(0));
    }

    @Test
    void acknowledgesWhenTheSenderLearnsSomethingNotForEveryChunkWhileAGapIsOpen() {
        new Random(1).nextBytes(this.image);
        CRC32C crc = new CRC32C();
        crc.update(this.image);
        Ack handshake = onlyAck(this.receiver.accept("s",
                ReliableCodec.encode(new Start(7, this.image.length, CHUNK, CHUNKS, (int) crc.getValue())), 0));
        assertThat(handshake.cumulative()).isZero();

        for (int sequence : new int[] { 0, 1, 2 }) {
            assertThat(send(sequence).replies()).as("in order, nothing to learn").isEmpty();
        }
        Ack gap = onlyAck(send(4)); // 3 skipped: a new gap
        assertThat(gap.cumulative()).isEqualTo(3);
        assertThat(gap.has(4)).isTrue();
        assertThat(send(5).replies()).as("the gap is open but not new").isEmpty();
        assertThat(send(6).replies()).isEmpty();

        Ack filled = onlyAck(send(3)); // the resend arrived
        assertThat(filled.cumulative()).isEqualTo(7);
        Ack duplicate = onlyAck(send(3)); // the sender missed an ACK
        assertThat(duplicate.cumulative()).isEqualTo(7);

        assertThat(send(7).replies()).isEmpty();
        assertThat(onlyAck(send(9)).cumulative()).as("the last chunk, past a gap").isEqualTo(8);
        ReliableReceiver.Outcome done = send(8);
        assertThat(done.replies()).isEmpty(); // DONE comes once the image is stored
        assertThat(done.completed().image()).isEqualTo(this.image);
        assertThat(this.receiver.inFlightBytes()).as("blocks stay accounted until DONE").isPositive();
        this.receiver.done("s", 7, ReliableCodec.Done.STORED, 0);
        assertThat(this.receiver.inFlightBytes()).isZero();
    }

}
