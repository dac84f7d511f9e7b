package dev.udpimage.protocol.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

import dev.udpimage.protocol.reliable.ReliableCodec.Ack;
import dev.udpimage.protocol.reliable.ReliableCodec.Data;
import dev.udpimage.protocol.reliable.ReliableCodec.Done;
import dev.udpimage.protocol.reliable.ReliableCodec.Start;

/**
 * Version 2 of the reliable protocol: CRC-32 (zlib's) checksums instead of CRC32C, for
 * senders that compute CRC32C slowly. The receiver takes both and answers each sender in
 * its own version; a checksum of the other version is corruption.
 */
class ReliableVersionsTest {

    @Test
    void version2DatagramsRoundTripAndTheirChecksumIsCrc32() {
        byte[] datagram = ReliableCodec.encode(new Done(9, Done.STORED), ReliableCodec.VERSION_CRC32);
        assertThat(ReliableCodec.version(datagram)).isEqualTo(2);
        assertThat(ReliableCodec.decode(datagram)).isEqualTo(new Done(9, Done.STORED));
        CRC32 crc = new CRC32();
        crc.update(datagram, 0, datagram.length - 4);
        assertThat(java.nio.ByteBuffer.wrap(datagram).getInt(datagram.length - 4)).isEqualTo((int) crc.getValue());

        byte[] relabelled = datagram.clone();
        relabelled[4] = 1; // the same bytes claiming version 1: its CRC32C does not match
        assertThat(ReliableCodec.decode(relabelled)).isNull();
        relabelled[4] = 3; // no such version
        assertThat(ReliableCodec.decode(relabelled)).isNull();
    }

    @Test
    void theReceiverTakesAVersion2TransferAndAnswersInVersion2() {
        ReliableReceiver<String> receiver = new ReliableReceiver<>(1 << 20, Duration.ofSeconds(2), 16, 1 << 20);
        byte[] image = new byte[950];
        new Random(2).nextBytes(image);
        CRC32 crc = new CRC32();
        crc.update(image);
        int v2 = ReliableCodec.VERSION_CRC32;
        ReliableReceiver.Outcome started = receiver.accept("p",
                ReliableCodec.encode(new Start(5, image.length, 100, 10, (int) crc.getValue()), v2), 0);
        assertThat(ReliableCodec.version(started.replies().get(0))).isEqualTo(2);
        assertThat(ReliableCodec.decode(started.replies().get(0))).isInstanceOf(Ack.class);
        ReliableReceiver.Completed completed = null;
        for (int sequence = 0; sequence < 10; sequence++) {
            int length = Math.min(100, image.length - sequence * 100);
            ReliableReceiver.Outcome outcome = receiver.accept("p",
                    ReliableCodec.encode(new Data(5, sequence, image, sequence * 100, length), v2), 0);
            outcome.replies().forEach(reply -> assertThat(ReliableCodec.version(reply)).isEqualTo(2));
            completed = outcome.completed() != null ? outcome.completed() : completed;
        }
        assertThat(completed).as("the image CRC-32 matched").isNotNull();
        assertThat(completed.image()).isEqualTo(image);
        byte[] done = receiver.done("p", 5, Done.STORED, 0);
        assertThat(ReliableCodec.version(done)).isEqualTo(2);
        assertThat(ReliableCodec.decode(done)).isEqualTo(new Done(5, Done.STORED));
    }

}
