package dev.udpimage.store.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each frame of a sealed segment lies in its object, in time order: the
 * {@code segment.frame_index} column. Per frame: its time (microseconds since the epoch),
 * its offset and length in the object, its width and height, its image row's id and
 * ImageIO's format name.
 */
final class SegmentIndex {

    private SegmentIndex() {
    }

    /** One frame of a segment. */
    record Entry(long micros, long offset, int length, int width, int height, long imageId, String format) {

        Instant time() {
            return Instant.EPOCH.plusNanos(this.micros * 1000);
        }

    }

    static byte[] encode(List<Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.size() * 44);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(entries.size());
            for (Entry entry : entries) {
                out.writeLong(entry.micros());
                out.writeLong(entry.offset());
                out.writeInt(entry.length());
                out.writeInt(entry.width());
                out.writeInt(entry.height());
                out.writeLong(entry.imageId());
                out.writeUTF(entry.format());
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    static List<Entry> decode(byte[] index) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(index))) {
            int count = in.readInt();
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(new Entry(in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readInt(),
                        in.readLong(), in.readUTF()));
            }
            return entries;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("a segment index is corrupt", ex);
        }
    }

    static long micros(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
    }

}
