package dev.udpimage.store.cluster;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import dev.udpimage.recording.format.IndexEntry;

/**
 * The index of a segment sealed before the recording's one format
 * ({@code segment.frame_index}, migration V3): per frame its time (microseconds since the
 * epoch), its offset and length in the bare object, its width and height, its image row's
 * id and ImageIO's format name, written with {@code DataOutputStream}. Read only, as
 * {@link IndexEntry}s, until those segments age out.
 */
final class LegacySegmentIndex {

    private LegacySegmentIndex() {
    }

    static List<IndexEntry> decode(byte[] index) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(index))) {
            int count = in.readInt();
            List<IndexEntry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long micros = in.readLong();
                long offset = in.readLong();
                int length = in.readInt();
                int width = in.readInt();
                int height = in.readInt();
                in.readLong(); // the image row's id
                entries.add(new IndexEntry(micros, offset, length, width, height, in.readUTF(), 0));
            }
            return entries;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("a segment index is corrupt", ex);
        }
    }

}
