package dev.udpimage.recording.format;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a segment from its start, record by record with each CRC checked, up to its first
 * torn or damaged record: what recovery keeps of a segment written when the process died,
 * and how an object is verified alone.
 */
public final class SegmentScan {

    private SegmentScan() {
    }

    /**
     * What a scan found.
     *
     * @param entries the index of the whole records, their times made to follow
     * {@code previous} by {@link IndexTimes}
     * @param end where the last whole record ends: what follows is torn or damaged
     * @param size the segment's size
     */
    public record Scanned(List<IndexEntry> entries, long end, long size) {

        /** Bytes after the last whole record. */
        public long tornBytes() {
            return this.size - this.end;
        }

    }

    /** Hears each whole record, in order. */
    @FunctionalInterface
    public interface Each {

        void record(FrameRecord.Read record, IndexEntry entry) throws IOException;

    }

    /**
     * @param previous the camera's index time before this segment, or
     * {@link IndexTimes#NONE}
     */
    public static Scanned scan(Source segment, long previous, Each each) throws IOException {
        long size = segment.size();
        long position = 0;
        long last = previous;
        List<IndexEntry> entries = new ArrayList<>();
        FrameRecord.Read record;
        while ((record = FrameRecord.read(segment, position, size)) != null) {
            last = IndexTimes.next(last, IndexTimes.micros(record.metadata().receivedAt()));
            IndexEntry entry = IndexEntry.of(last, record);
            entries.add(entry);
            each.record(record, entry);
            position = record.end();
        }
        return new Scanned(entries, position, size);
    }

    public static Scanned scan(Source segment, long previous) throws IOException {
        return scan(segment, previous, (record, entry) -> {
        });
    }

}
