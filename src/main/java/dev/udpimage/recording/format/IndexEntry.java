package dev.udpimage.recording.format;

import java.nio.ByteBuffer;
import java.util.List;

import dev.udpimage.store.ImageMetadata;

/**
 * Where one frame of a segment lies, and what the API lists of it: a fixed
 * {@value #BYTES}-byte entry, so that entry {@code i} of an index is at {@code 32 i} and
 * finding a time is a binary search: <pre>
 * long index time (epoch microseconds) | long image offset | int image length | int width | int height
 * byte format | byte 0 | short record header length (0: not noted, in indexes written before it was)
 * </pre>
 *
 * @param micros the frame's index time ({@link IndexTimes})
 * @param imageOffset where its image starts in the segment
 * @param length the image's length
 * @param width decoded width in pixels
 * @param height decoded height in pixels
 * @param format ImageIO's format name, lower case ({@code other} for one not listed)
 * @param headerLength its record's header and text, which end where the image starts; 0
 * when not noted
 */
public record IndexEntry(long micros, long imageOffset, int length, int width, int height, String format,
        int headerLength) {

    public static final int BYTES = 32;

    /** The formats an entry names by number; anything else is "other". */
    private static final List<String> FORMATS = List.of("other", "jpeg", "png", "bmp", "gif", "wbmp", "tiff");

    /**
     * The entry of a record written at {@code recordStart} with index time
     * {@code micros}.
     */
    public static IndexEntry of(long micros, long recordStart, int headerLength, ImageMetadata metadata) {
        return new IndexEntry(micros, recordStart + headerLength, metadata.bytes(), metadata.width(), metadata.height(),
                formatName(formatCode(metadata.format())), headerLength);
    }

    /** The entry of a record read back, with index time {@code micros}. */
    public static IndexEntry of(long micros, FrameRecord.Read record) {
        return of(micros, record.start(), record.headerLength(), record.metadata());
    }

    /** Where its record starts, or -1 when the entry does not say. */
    public long recordStart() {
        return this.headerLength > 0 ? this.imageOffset - this.headerLength : -1;
    }

    /** Where its image ends: the next record's start. */
    public long end() {
        return this.imageOffset + this.length;
    }

    /** Puts it at the buffer's position, {@value #BYTES} bytes. */
    public void put(ByteBuffer into) {
        into.putLong(this.micros).putLong(this.imageOffset).putInt(this.length);
        into.putInt(this.width).putInt(this.height).put(formatCode(this.format)).put((byte) 0);
        into.putShort((short) this.headerLength);
    }

    /** Reads one from the buffer's position, {@value #BYTES} bytes. */
    public static IndexEntry get(ByteBuffer from) {
        long micros = from.getLong();
        long offset = from.getLong();
        int length = from.getInt();
        int width = from.getInt();
        int height = from.getInt();
        int format = from.get();
        from.get();
        int header = Short.toUnsignedInt(from.getShort());
        return new IndexEntry(micros, offset, length, width, height, formatName(format), header);
    }

    /** A whole index: its entries back to back. */
    public static byte[] encode(List<IndexEntry> entries) {
        ByteBuffer bytes = ByteBuffer.allocate(entries.size() * BYTES);
        entries.forEach(entry -> entry.put(bytes));
        return bytes.array();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not whole entries
     */
    public static List<IndexEntry> decode(byte[] index) {
        if (index.length % BYTES != 0) {
            throw new IllegalArgumentException("an index of " + index.length + " bytes is not whole entries");
        }
        ByteBuffer bytes = ByteBuffer.wrap(index);
        IndexEntry[] entries = new IndexEntry[index.length / BYTES];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = get(bytes);
        }
        return List.of(entries);
    }

    private static byte formatCode(String format) {
        return (byte) Math.max(FORMATS.indexOf(format), 0);
    }

    private static String formatName(int code) {
        return code > 0 && code < FORMATS.size() ? FORMATS.get(code) : "other";
    }

}
