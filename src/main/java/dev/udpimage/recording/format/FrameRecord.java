package dev.udpimage.recording.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import dev.udpimage.store.ImageMetadata;

/**
 * One frame as a segment holds it (the on-disk record), self-describing so that a segment
 * alone is enough to rebuild its index: <pre>
 * int magic 'UIR1' | int image length | int text length | int CRC32C of everything after it
 * long id | long received (epoch nanoseconds) | int width | int height | int datagrams | double transferMs
 * text: sender '\n' format '\n' transport (UTF-8) | the image, exactly as received
 * </pre> A record that is short or whose CRC does not match is a torn tail (a crash while
 * it was written) or damage: reading stops there.
 */
public final class FrameRecord {

    public static final int MAGIC = 0x55495231;

    /** The fixed part of a record's header, before its text. */
    public static final int HEADER = 52;

    /** The longest text a record may have. */
    static final int MAX_TEXT = 4096;

    private FrameRecord() {
    }

    /**
     * A record's header and text, to be written just before its image (which it covers
     * with its CRC).
     */
    public static ByteBuffer header(ImageMetadata m, byte[] image) {
        byte[] text = (m.sender() + "\n" + m.format() + "\n" + m.transport()).getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_TEXT) {
            throw new IllegalArgumentException("a record's text is at most " + MAX_TEXT + " bytes");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER + text.length);
        header.putInt(MAGIC).putInt(image.length).putInt(text.length).putInt(0);
        header.putLong(m.id()).putLong(IndexTimes.nanos(m.receivedAt())).putInt(m.width()).putInt(m.height());
        header.putInt(m.datagrams()).putDouble(m.transferMs());
        header.put(text);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 16, header.capacity() - 16);
        crc.update(image);
        header.putInt(12, (int) crc.getValue());
        return header.flip();
    }

    /**
     * A record read back.
     *
     * @param start where it starts in its segment
     * @param imageOffset where its image starts
     * @param metadata what it says of its image (the received time to the nanosecond)
     * @param image the image's bytes, exactly as received
     */
    public record Read(long start, long imageOffset, ImageMetadata metadata, byte[] image) {

        /** Where the next record starts. */
        public long end() {
            return this.imageOffset + this.image.length;
        }

        /** Its header and text: how far before its image it starts. */
        public int headerLength() {
            return (int) (this.imageOffset - this.start);
        }

    }

    /**
     * Reads the record at {@code position} of a segment of {@code size} bytes, its CRC
     * checked.
     * @return null at the end of the segment, or at a torn or damaged record
     */
    public static Read read(Source segment, long position, long size) throws IOException {
        if (position < 0 || size - position < HEADER) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        segment.readFully(header, position);
        header.flip();
        int magic = header.getInt();
        int imageLength = header.getInt();
        int textLength = header.getInt();
        int crcValue = header.getInt();
        if (magic != MAGIC || imageLength < 0 || textLength < 0 || textLength > MAX_TEXT
                || size - position - HEADER < (long) textLength + imageLength) {
            return null;
        }
        ByteBuffer text = ByteBuffer.allocate(textLength);
        segment.readFully(text, position + HEADER);
        byte[] image = new byte[imageLength];
        segment.readFully(ByteBuffer.wrap(image), position + HEADER + textLength);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 16, HEADER - 16);
        crc.update(text.array());
        crc.update(image);
        if ((int) crc.getValue() != crcValue) {
            return null;
        }
        header.position(16);
        long id = header.getLong();
        long nanos = header.getLong();
        int width = header.getInt();
        int height = header.getInt();
        int datagrams = header.getInt();
        double transferMs = header.getDouble();
        String[] fields = new String(text.array(), StandardCharsets.UTF_8).split("\n", 3);
        ImageMetadata metadata = new ImageMetadata(id, fields[0], IndexTimes.instantOfNanos(nanos), imageLength,
                datagrams, width, height, fields.length > 1 ? fields[1] : "", fields.length > 2 ? fields[2] : "",
                transferMs);
        return new Read(position, position + HEADER + textLength, metadata, image);
    }

}
