package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.udpimage.store.ReceivedImage;

/**
 * One camera's recording: its segments, oldest first, the last of them open for appends,
 * and its lists' JSON-lines files. Appends, seals and deletions hold this object's lock;
 * readers take a snapshot of the segments and read their files without it.
 */
final class CameraLog {

    final String camera;

    final Path dir;

    final Path listsDir;

    /** Oldest first; guarded by this. */
    private final List<Segment> segments = new ArrayList<>();

    /** The open lists file, guarded by this. */
    private FileChannel listsOut;

    private long listsStart;

    /** Whether an append sealed a segment since {@link #takeSealed}. Guarded by this. */
    private boolean sealed;

    CameraLog(String camera, Path dir) {
        this.camera = camera;
        this.dir = dir;
        this.listsDir = dir.resolve("lists");
    }

    /** The directory name of a camera: its key with {@code :} as {@code _}. */
    static String dirName(String camera) {
        return camera.replace(':', '_').replaceAll("[^0-9A-Za-z._%-]", "-");
    }

    static String cameraOf(String dirName) {
        return dirName.replace('_', ':');
    }

    synchronized void recovered(Segment segment) {
        this.segments.add(segment);
    }

    synchronized List<Segment> snapshot() {
        return List.copyOf(this.segments);
    }

    /**
     * Appends frames in order, sealing the open segment first whenever it is full, old,
     * or a frame follows a gap of a segment's duration; the frames between seals go in
     * one write.
     * @return the channel to force for them to be durable
     */
    synchronized FileChannel append(List<ReceivedImage> images, long maxSegmentMicros, long maxSegmentBytes)
            throws IOException {
        List<Segment.Pending> run = new ArrayList<>(images.size());
        Segment open = openSegment();
        long runBytes = 0;
        long last = lastAppended();
        for (ReceivedImage image : images) {
            Segment.Pending frame = new Segment.Pending(FrameRecord.header(image), image.original(), image.metadata(),
                    indexTime(image, last));
            // an open segment's first time is its start until its first frame is in
            boolean full = open != null && (frame.micros() - open.firstMicros >= maxSegmentMicros
                    || frame.micros() - last >= maxSegmentMicros
                    || open.bytes + runBytes + frame.length() > maxSegmentBytes);
            if (full) {
                if (!run.isEmpty()) {
                    open.append(run);
                    run = new ArrayList<>(images.size());
                    runBytes = 0;
                }
                open.seal();
                this.sealed = true;
                open = null;
            }
            if (open == null) {
                open = create(frame.micros());
            }
            run.add(frame);
            runBytes += frame.length();
            last = frame.micros();
        }
        if (!run.isEmpty()) {
            open.append(run);
        }
        return open.framesChannel();
    }

    /**
     * A frame's time in the index: its received time, but strictly after the camera's
     * last frame. Frames of one camera saved concurrently ({@code sync}: several store
     * workers) or across a clock step can come out of order or share a microsecond; one
     * microsecond apart, every frame has a time of its own, so that "from just after the
     * last one" pages and exports never skip a frame.
     */
    private static long indexTime(ReceivedImage image, long last) {
        long micros = FrameRecord.micros(image.metadata().receivedAt());
        return last == Long.MIN_VALUE ? micros : Math.max(micros, last + 1);
    }

    /** The last frame's index time, or {@code Long.MIN_VALUE}. */
    private long lastAppended() {
        if (this.segments.isEmpty()) {
            return Long.MIN_VALUE;
        }
        return this.segments.get(this.segments.size() - 1).lastMicros;
    }

    /** A new open segment for a frame received at {@code micros}. */
    private Segment create(long micros) throws IOException {
        Files.createDirectories(this.dir);
        // a frame whose time equals (or precedes: the clock went back) the last one's
        // still starts a file of its own
        Segment last = this.segments.isEmpty() ? null : this.segments.get(this.segments.size() - 1);
        long start = last == null ? micros : Math.max(micros, last.start + 1);
        Segment segment = Segment.create(this.dir, start);
        this.segments.add(segment);
        return segment;
    }

    /** Whether an append sealed a segment since the last call. */
    synchronized boolean takeSealed() {
        boolean was = this.sealed;
        this.sealed = false;
        return was;
    }

    private Segment openSegment() {
        Segment last = this.segments.isEmpty() ? null : this.segments.get(this.segments.size() - 1);
        return last != null && last.open() ? last : null;
    }

    /**
     * Seals the open segment if its first frame is older than {@code maxSegmentMicros}.
     */
    synchronized void sealIfOlder(long nowMicros, long maxSegmentMicros) throws IOException {
        Segment open = openSegment();
        if (open != null && nowMicros - open.firstMicros >= maxSegmentMicros) {
            open.seal();
        }
        if (this.listsOut != null && nowMicros - this.listsStart >= maxSegmentMicros) {
            this.listsOut.close();
            this.listsOut = null;
        }
    }

    /** Seals the open segment at once (the disk's floor wants it gone). */
    synchronized void seal() throws IOException {
        Segment open = openSegment();
        if (open != null) {
            open.seal();
        }
    }

    /**
     * Deletes the oldest sealed segment.
     * @return the bytes freed, 0 when no sealed segment is left
     */
    synchronized long deleteOldest() throws IOException {
        if (this.segments.isEmpty() || this.segments.get(0).open()) {
            return 0;
        }
        Segment oldest = this.segments.remove(0);
        oldest.delete();
        return oldest.bytes;
    }

    /** The oldest sealed segment, or null. */
    synchronized Segment oldestSealed() {
        return this.segments.isEmpty() || this.segments.get(0).open() ? null : this.segments.get(0);
    }

    synchronized long bytes() {
        return this.segments.stream().mapToLong(segment -> segment.bytes).sum();
    }

    synchronized boolean empty() {
        return this.segments.isEmpty();
    }

    /**
     * Appends a list as one JSON line to the open lists file (a new one each segment
     * duration).
     * @return the channel to force for it to be durable
     */
    synchronized FileChannel appendList(byte[] line, long micros) throws IOException {
        if (this.listsOut == null) {
            Files.createDirectories(this.listsDir);
            this.listsStart = micros;
            Path file = this.listsDir.resolve(micros + ".ndjson");
            this.listsOut = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ByteBuffer bytes = ByteBuffer.wrap(line);
        long before = this.listsOut.size();
        try {
            while (bytes.hasRemaining()) {
                this.listsOut.write(bytes);
            }
        }
        catch (IOException ex) {
            try {
                this.listsOut.truncate(before);
            }
            catch (IOException cut) {
                ex.addSuppressed(cut);
            }
            throw ex;
        }
        return this.listsOut;
    }

    /** Closes the open files, forcing them. */
    synchronized void close() {
        Segment open = openSegment();
        if (open != null) {
            open.closeQuietly();
        }
        if (this.listsOut != null) {
            try {
                this.listsOut.force(false);
                this.listsOut.close();
            }
            catch (IOException ex) {
                // found again at the next start
            }
            this.listsOut = null;
        }
    }

}
