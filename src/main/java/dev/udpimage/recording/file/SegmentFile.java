package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.udpimage.recording.format.FrameRecord;
import dev.udpimage.recording.format.IndexEntry;
import dev.udpimage.recording.format.IndexSearch;
import dev.udpimage.recording.format.Source;
import dev.udpimage.recording.retention.StoredSegment;
import dev.udpimage.store.ImageMetadata;

/**
 * One segment of a camera's recording on disk: {@code <start>.seg}, its
 * {@link FrameRecord}s back to back, and {@code <start>.idx}, their {@link IndexEntry}s
 * ({@code <start>}: the first frame's index time in epoch microseconds, so names sort by
 * time). An open segment takes appends; a finished one (both files forced and closed) is
 * only read, and deleted whole. The index is derived: recovery rebuilds it from the
 * frames ({@link Recovery}).
 */
final class SegmentFile {

    static final String FRAMES = ".seg";

    static final String INDEX = ".idx";

    final long start;

    final Path frames;

    final Path index;

    /** Written under the camera's lock; read by anyone. */
    volatile long firstMicros;

    volatile long lastMicros;

    volatile long count;

    /** Both files' bytes. */
    volatile long bytes;

    private FileChannel framesOut;

    private FileChannel indexOut;

    private long framesSize;

    private SegmentFile(Path dir, long start) {
        this.start = start;
        this.frames = dir.resolve(start + FRAMES);
        this.index = dir.resolve(start + INDEX);
    }

    /** A new open segment whose first frame is indexed at {@code start}. */
    static SegmentFile create(Path dir, long start, FileOpener opener) throws IOException {
        SegmentFile segment = new SegmentFile(dir, start);
        Set<StandardOpenOption> create = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segment.framesOut = opener.open(segment.frames, create);
        try {
            segment.indexOut = opener.open(segment.index, create);
        }
        catch (IOException ex) {
            segment.framesOut.close();
            Files.deleteIfExists(segment.frames);
            throw ex;
        }
        segment.firstMicros = start;
        segment.lastMicros = start;
        return segment;
    }

    /** A finished segment found on disk, as {@link Recovery} checked it. */
    static SegmentFile finished(Path dir, long start, long count, long firstMicros, long lastMicros, long framesSize) {
        SegmentFile segment = new SegmentFile(dir, start);
        segment.count = count;
        segment.firstMicros = firstMicros;
        segment.lastMicros = lastMicros;
        segment.framesSize = framesSize;
        segment.bytes = framesSize + count * IndexEntry.BYTES;
        return segment;
    }

    boolean open() {
        return this.framesOut != null;
    }

    /** The channel to force for what was appended to be durable. */
    FileChannel framesChannel() {
        return this.framesOut;
    }

    /** A frame ready to be appended: its record's header, its image, its index time. */
    record Pending(ByteBuffer header, byte[] image, ImageMetadata metadata, long micros) {

        long length() {
            return this.header.remaining() + (long) this.image.length;
        }

    }

    /**
     * Appends frames: their records in one gathering write, then their index entries in
     * one positional write. When the disk refuses either, both files are cut back to
     * where they were, and the segment is as before.
     */
    void append(List<Pending> batch) throws IOException {
        long framesBefore = this.framesSize;
        long indexBefore = this.count * IndexEntry.BYTES;
        ByteBuffer[] records = new ByteBuffer[2 * batch.size()];
        ByteBuffer entries = ByteBuffer.allocate(IndexEntry.BYTES * batch.size());
        long offset = framesBefore;
        for (int i = 0; i < batch.size(); i++) {
            Pending frame = batch.get(i);
            int headerLength = frame.header().remaining();
            records[2 * i] = frame.header().duplicate();
            records[2 * i + 1] = ByteBuffer.wrap(frame.image());
            IndexEntry.of(frame.micros(), offset, headerLength, frame.metadata()).put(entries);
            offset += frame.length();
        }
        try {
            long length = offset - framesBefore;
            long written = 0;
            while (written < length) {
                written += this.framesOut.write(records);
            }
            entries.flip();
            while (entries.hasRemaining()) {
                this.indexOut.write(entries, indexBefore + entries.position());
            }
        }
        catch (IOException ex) {
            throw cutBack(framesBefore, indexBefore, ex);
        }
        this.framesSize = offset;
        if (this.count == 0) {
            this.firstMicros = batch.get(0).micros();
        }
        this.lastMicros = batch.get(batch.size() - 1).micros();
        this.count += batch.size();
        this.bytes = this.framesSize + this.count * IndexEntry.BYTES;
    }

    /**
     * Cuts both files back to where they were before a refused write.
     * @return the refusal, to be thrown
     */
    private IOException cutBack(long framesBefore, long indexBefore, IOException refusal) {
        try {
            this.framesOut.truncate(framesBefore);
            this.framesOut.position(framesBefore);
            this.indexOut.truncate(indexBefore);
        }
        catch (IOException cut) {
            refusal.addSuppressed(cut);
        }
        return refusal;
    }

    /** Forces both files and closes them: from now on it is only read. */
    void finish() throws IOException {
        if (this.framesOut == null) {
            return;
        }
        try (FileChannel frames = this.framesOut; FileChannel index = this.indexOut) {
            this.framesOut = null;
            this.indexOut = null;
            frames.force(false);
            index.force(false);
        }
    }

    /**
     * Closes without failing (shutdown, or a failure): what could not be forced is found
     * by recovery at the next start.
     */
    void closeQuietly() {
        try {
            finish();
        }
        catch (IOException ex) {
            try {
                if (this.framesOut != null) {
                    this.framesOut.close();
                    this.indexOut.close();
                }
            }
            catch (IOException closing) {
                ex.addSuppressed(closing);
            }
            this.framesOut = null;
            this.indexOut = null;
        }
    }

    void delete() throws IOException {
        closeQuietly();
        Files.deleteIfExists(this.index);
        Files.deleteIfExists(this.frames);
    }

    StoredSegment stored(String camera) {
        return new StoredSegment(camera, this.start, this.firstMicros, this.lastMicros, this.bytes, open());
    }

    // ---- reading (on any thread, without the camera's lock)

    FileChannel openIndex() throws IOException {
        return FileChannel.open(this.index, StandardOpenOption.READ);
    }

    /** The position of the last frame indexed at or before {@code micros}, or -1. */
    long floor(FileChannel index, long micros) throws IOException {
        Source source = Source.of(index);
        ByteBuffer time = ByteBuffer.allocate(Long.BYTES);
        return IndexSearch.floor(this.count, position -> {
            time.clear();
            source.readFully(time, position * IndexEntry.BYTES);
            return time.getLong(0);
        }, micros);
    }

    /** Up to {@code limit} entries from position {@code first} on. */
    List<IndexEntry> entries(FileChannel index, long first, int limit) throws IOException {
        int n = (int) Math.max(0, Math.min(limit, this.count - first));
        ByteBuffer bytes = ByteBuffer.allocate(n * IndexEntry.BYTES);
        Source.of(index).readFully(bytes, first * IndexEntry.BYTES);
        bytes.flip();
        List<IndexEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(IndexEntry.get(bytes));
        }
        return entries;
    }

    byte[] read(long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(this.frames, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            Source.of(channel).readFully(bytes, offset);
            return bytes.array();
        }
    }

    /** The whole record of an entry, its CRC checked; null if it does not check. */
    FrameRecord.Read record(FileChannel channel, IndexEntry entry) throws IOException {
        return FrameRecord.read(Source.of(channel), entry.recordStart(), entry.end());
    }

}
