package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32C;

import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;

/**
 * One frame in a segment file, self-describing so that a segment alone is enough to
 * rebuild its index: <pre>
 * int magic 'UIR1' | int image length | int text length | int CRC32C of everything after it
 * long id | long received (epoch nanoseconds) | int width | int height | int datagrams | double transferMs
 * text: sender '\n' format '\n' transport (UTF-8) | the image, exactly as received
 * </pre> A record that is short or whose CRC does not match is a torn tail: a crash while
 * it was written.
 */
final class FrameRecord {

    static final int MAGIC = 0x55495231;

    static final int HEADER = 52;

    private FrameRecord() {
    }

    /** The header and text of a record, ready to be written before the image. */
    static ByteBuffer header(ReceivedImage image) {
        ImageMetadata m = image.metadata();
        byte[] text = (m.sender() + "\n" + m.format() + "\n" + m.transport()).getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(HEADER + text.length);
        header.putInt(MAGIC).putInt(image.original().length).putInt(text.length).putInt(0);
        header.putLong(m.id()).putLong(nanos(m.receivedAt())).putInt(m.width()).putInt(m.height());
        header.putInt(m.datagrams()).putDouble(m.transferMs());
        header.put(text);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 16, header.capacity() - 16);
        crc.update(image.original());
        header.putInt(12, (int) crc.getValue());
        return header.flip();
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /**
     * A record read back.
     *
     * @param start where it starts in the segment
     * @param imageOffset where its image starts
     */
    record Read(long start, long imageOffset, ImageMetadata metadata, byte[] image) {

        long end() {
            return this.imageOffset + this.image.length;
        }
    }

    /**
     * Reads the record at {@code position}, its CRC checked.
     * @return null at the end of the file or at a torn or corrupt record
     */
    static Read read(FileChannel segment, long position, long size, int maxImageBytes) throws IOException {
        if (size - position < HEADER) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(segment, header, position);
        header.flip();
        int magic = header.getInt();
        int imageLength = header.getInt();
        int textLength = header.getInt();
        int crcValue = header.getInt();
        if (magic != MAGIC || imageLength < 0 || imageLength > maxImageBytes || textLength < 0 || textLength > 4096
                || size - position - HEADER < (long) textLength + imageLength) {
            return null;
        }
        ByteBuffer rest = ByteBuffer.allocate(textLength + imageLength);
        readFully(segment, rest, position + HEADER);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 16, HEADER - 16);
        crc.update(rest.array());
        if ((int) crc.getValue() != crcValue) {
            return null;
        }
        header.position(16);
        long id = header.getLong();
        long nanos = header.getLong();
        Instant received = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L));
        int width = header.getInt();
        int height = header.getInt();
        int datagrams = header.getInt();
        double transferMs = header.getDouble();
        List<String> text = List.of(new String(rest.array(), 0, textLength, StandardCharsets.UTF_8).split("\n", 3));
        byte[] image = new byte[imageLength];
        System.arraycopy(rest.array(), textLength, image, 0, imageLength);
        ImageMetadata metadata = new ImageMetadata(id, text.get(0), received, imageLength, datagrams, width, height,
                text.size() > 1 ? text.get(1) : "", text.size() > 2 ? text.get(2) : "", transferMs);
        return new Read(position, position + HEADER + textLength, metadata, image);
    }

    static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, position + into.position()) < 0) {
                throw new IOException("unexpected end of " + channel);
            }
        }
    }

}
