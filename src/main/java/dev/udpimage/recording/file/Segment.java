package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.store.ImageMetadata;

/**
 * One segment of a camera's recording: {@code <start>.seg}, its frames as
 * {@link FrameRecord}s back to back, and {@code <start>.idx}, one fixed 32-byte entry per
 * frame in time order, so that finding a time is a binary search of the index, never a
 * scan of the frames: <pre>
 * long received (epoch microseconds) | long image offset in .seg | int image length | int width | int height
 * byte format | 3 bytes padding
 * </pre> {@code <start>} is the first frame's time in epoch microseconds. The open
 * segment takes appends (the writer's channels); a sealed one is only read. The index is
 * derived: a segment whose index does not end where its frames end (a crash) has it
 * rebuilt from the frames at start-up.
 */
final class Segment {

    static final int ENTRY = 32;

    static final String FRAMES = ".seg";

    static final String INDEX = ".idx";

    /** The formats an index entry names by number; anything else is "other". */
    private static final List<String> FORMATS = List.of("other", "jpeg", "png", "bmp", "gif", "wbmp", "tiff");

    final long start;

    final Path frames;

    final Path index;

    /** Guarded by the camera's lock, like the rest of the mutable state. */
    volatile long firstMicros;

    volatile long lastMicros;

    volatile long count;

    /** Both files' bytes. */
    volatile long bytes;

    private FileChannel framesOut;

    private FileChannel indexOut;

    private long framesSize;

    private Segment(Path dir, long start) {
        this.start = start;
        this.frames = dir.resolve(start + FRAMES);
        this.index = dir.resolve(start + INDEX);
    }

    /** A new open segment whose first frame is received at {@code start}. */
    static Segment create(Path dir, long start) throws IOException {
        Segment segment = new Segment(dir, start);
        segment.framesOut = FileChannel.open(segment.frames, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            segment.indexOut = FileChannel.open(segment.index, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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

    boolean open() {
        return this.framesOut != null;
    }

    /** The channel a durable append waits to be forced. */
    FileChannel framesChannel() {
        return this.framesOut;
    }

    /** A frame ready to be appended: its record's header, its image, its time. */
    record Pending(ByteBuffer header, byte[] image, ImageMetadata metadata, long micros) {

        long length() {
            return this.header.remaining() + (long) this.image.length;
        }
    }

    /**
     * Appends frames: their records in one gathering write, then their index entries in
     * one write. When the disk refuses either, both files are cut back to where they
     * were, and the segment is as before.
     */
    void append(List<Pending> batch) throws IOException {
        long framesBefore = this.framesSize;
        long indexBefore = this.count * ENTRY;
        try {
            ByteBuffer[] records = new ByteBuffer[2 * batch.size()];
            ByteBuffer entries = ByteBuffer.allocate(ENTRY * batch.size());
            long length = 0;
            long offset = framesBefore;
            for (int i = 0; i < batch.size(); i++) {
                Pending frame = batch.get(i);
                records[2 * i] = frame.header();
                records[2 * i + 1] = ByteBuffer.wrap(frame.image());
                putEntry(entries, frame.micros(), offset + frame.header().limit(), frame.image().length,
                        frame.metadata());
                length += frame.length();
                offset += frame.length();
            }
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
        this.framesSize = this.framesOut.position();
        if (this.count == 0) {
            this.firstMicros = batch.get(0).micros();
        }
        this.lastMicros = batch.get(batch.size() - 1).micros();
        this.count += batch.size();
        this.bytes = this.framesSize + this.count * ENTRY;
    }

    /**
     * Cuts both files back to where they were before a refused write, so that the segment
     * is as before.
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

    /** Forces both files to disk and closes them: from now on it is only read. */
    void seal() throws IOException {
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

    /** Closes without forcing (shutdown after everything is forced, or a failure). */
    void closeQuietly() {
        try {
            seal();
        }
        catch (IOException ex) {
            // what could not be forced is found by the recovery at the next start
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

    // ---- reading
    // ------------------------------------------------------------------------------------------

    /**
     * The index position of the last frame received at or before {@code micros}, or -1.
     */
    long floor(FileChannel index, long micros) throws IOException {
        long low = 0;
        long high = this.count - 1;
        long found = -1;
        ByteBuffer time = ByteBuffer.allocate(Long.BYTES);
        while (low <= high) {
            long mid = (low + high) >>> 1;
            time.clear();
            FrameRecord.readFully(index, time, mid * ENTRY);
            if (time.getLong(0) <= micros) {
                found = mid;
                low = mid + 1;
            }
            else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** Up to {@code limit} frames from index position {@code first} on. */
    List<RecordedFrame> entries(FileChannel index, String camera, long first, int limit) throws IOException {
        int n = (int) Math.max(0, Math.min(limit, this.count - first));
        ByteBuffer entries = ByteBuffer.allocate(n * ENTRY);
        FrameRecord.readFully(index, entries, first * ENTRY);
        entries.flip();
        List<RecordedFrame> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long micros = entries.getLong();
            long offset = entries.getLong();
            int length = entries.getInt();
            int width = entries.getInt();
            int height = entries.getInt();
            int format = entries.get();
            entries.position(entries.position() + 3);
            frames.add(new RecordedFrame(FrameRecord.instant(micros), length, formatName(format), width, height, camera,
                    this.start, offset));
        }
        return frames;
    }

    FileChannel openIndex() throws IOException {
        return FileChannel.open(this.index, StandardOpenOption.READ);
    }

    byte[] read(long offset, int length) throws IOException {
        try (FileChannel frames = FileChannel.open(this.frames, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            FrameRecord.readFully(frames, bytes, offset);
            return bytes.array();
        }
    }

    /**
     * Puts one index entry (the layout above), {@link #ENTRY} bytes, at the buffer's
     * position.
     */
    private static void putEntry(ByteBuffer into, long micros, long imageOffset, int length, ImageMetadata m) {
        int start = into.position();
        into.putLong(micros).putLong(imageOffset).putInt(length);
        into.putInt(m.width()).putInt(m.height()).put(formatCode(m.format()));
        into.position(start + ENTRY);
    }

    private static byte formatCode(String format) {
        int code = FORMATS.indexOf(format);
        return (byte) Math.max(code, 0);
    }

    private static String formatName(int code) {
        return code > 0 && code < FORMATS.size() ? FORMATS.get(code) : "other";
    }

    // ---- start-up
    // ---------------------------------------------------------------------------------------------

    /**
     * A segment found at start-up, sealed: its index read, or rebuilt from its frames
     * when it does not end where they end (a crash while it was open), a torn last record
     * cut off.
     * @return null when it holds no whole frame (it is deleted)
     */
    static Segment recover(Path dir, long start, int maxImageBytes, Recovered report) throws IOException {
        Segment segment = new Segment(dir, start);
        try (FileChannel frames = FileChannel.open(segment.frames, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long framesSize = frames.size();
            long indexSize = Files.exists(segment.index) ? Files.size(segment.index) : -1;
            if (indexSize > 0 && indexSize % ENTRY == 0 && segment.consistent(frames, framesSize, indexSize)) {
                segment.count = indexSize / ENTRY;
            }
            else {
                segment.rebuild(frames, framesSize, maxImageBytes, report);
            }
            if (segment.count == 0) {
                segment.delete();
                return null;
            }
            try (FileChannel index = segment.openIndex()) {
                ByteBuffer time = ByteBuffer.allocate(Long.BYTES);
                FrameRecord.readFully(index, time, 0);
                segment.firstMicros = time.getLong(0);
                time.clear();
                FrameRecord.readFully(index, time, (segment.count - 1) * ENTRY);
                segment.lastMicros = time.getLong(0);
            }
            segment.framesSize = frames.size();
            segment.bytes = segment.framesSize + segment.count * ENTRY;
            return segment;
        }
        catch (NoSuchFileException ex) {
            Files.deleteIfExists(segment.index);
            return null;
        }
    }

    /** Whether the last index entry's image ends where the frames file does. */
    private boolean consistent(FileChannel frames, long framesSize, long indexSize) throws IOException {
        try (FileChannel index = openIndex()) {
            ByteBuffer last = ByteBuffer.allocate(ENTRY);
            FrameRecord.readFully(index, last, indexSize - ENTRY);
            return last.getLong(8) + last.getInt(16) == framesSize;
        }
    }

    private void rebuild(FileChannel frames, long framesSize, int maxImageBytes, Recovered report) throws IOException {
        long position = 0;
        this.count = 0;
        try (FileChannel index = FileChannel.open(this.index, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            FrameRecord.Read record;
            long last = Long.MIN_VALUE;
            while ((record = FrameRecord.read(frames, position, framesSize, maxImageBytes)) != null) {
                ImageMetadata m = record.metadata();
                ByteBuffer entry = ByteBuffer.allocate(ENTRY);
                // index times strictly increase, as when the frames were appended
                long micros = Math.max(FrameRecord.micros(m.receivedAt()),
                        last == Long.MIN_VALUE ? Long.MIN_VALUE : last + 1);
                last = micros;
                putEntry(entry, micros, record.imageOffset(), record.image().length, m);
                entry.clear();
                while (entry.hasRemaining()) {
                    index.write(entry, this.count * ENTRY + entry.position());
                }
                this.count++;
                position = record.end();
            }
            index.force(false);
        }
        if (position < framesSize) {
            frames.truncate(position);
            frames.force(false);
        }
        report.rebuilt(this.frames, this.count, framesSize - position);
    }

    /** Hears what recovery did. */
    interface Recovered {

        void rebuilt(Path segment, long frames, long tornBytes);

    }

}
