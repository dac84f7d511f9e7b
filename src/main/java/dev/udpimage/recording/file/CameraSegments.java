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

import dev.udpimage.recording.format.FrameRecord;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.ReceivedImage;

/**
 * One camera's recording on disk: its segments, oldest first, the last of them open for
 * appends, and its lists' JSON-lines files ({@code lists/<start>.ndjson}, a new one each
 * segment duration). Appends, finishing and deletions hold this object's lock; readers
 * take a snapshot of the segments and read their files without it.
 */
final class CameraSegments {

    static final String LISTS = "lists";

    final String camera;

    final Path dir;

    final Path listsDir;

    /** Oldest first. Guarded by this. */
    private final List<SegmentFile> segments = new ArrayList<>();

    /** The open lists file. Guarded by this. */
    private FileChannel listsOut;

    private long listsStart;

    private long listsSize;

    /**
     * Whether an append finished a segment since {@link #takeFinished}. Guarded by this.
     */
    private boolean finished;

    private final FileOpener opener;

    CameraSegments(String camera, Path dir, FileOpener opener) {
        this.opener = opener;
        this.camera = camera;
        this.dir = dir;
        this.listsDir = dir.resolve(LISTS);
    }

    /** A finished segment found at start, in time order. */
    synchronized void recovered(SegmentFile segment) {
        this.segments.add(segment);
    }

    synchronized List<SegmentFile> snapshot() {
        return List.copyOf(this.segments);
    }

    /** The last index time, or {@link IndexTimes#NONE}. */
    synchronized long lastMicros() {
        return this.segments.isEmpty() ? IndexTimes.NONE : this.segments.get(this.segments.size() - 1).lastMicros;
    }

    /**
     * Appends frames in order, finishing the open segment first whenever it is full, old,
     * or a frame follows a gap of a segment's duration; the frames between those go in
     * one write.
     * @return the channel to force for them to be durable
     */
    synchronized FileChannel append(List<ReceivedImage> images, long maxSegmentMicros, long maxSegmentBytes)
            throws IOException {
        List<SegmentFile.Pending> run = new ArrayList<>(images.size());
        SegmentFile open = openSegment();
        long runBytes = 0;
        long last = lastMicros();
        for (ReceivedImage image : images) {
            long micros = IndexTimes.next(last, IndexTimes.micros(image.metadata().receivedAt()));
            SegmentFile.Pending frame = new SegmentFile.Pending(FrameRecord.header(image.metadata(), image.original()),
                    image.original(), image.metadata(), micros);
            // an open segment's first time is its start until its first frame is in
            boolean full = open != null && (micros - open.firstMicros >= maxSegmentMicros
                    || micros - last >= maxSegmentMicros || open.bytes + runBytes + frame.length() > maxSegmentBytes);
            if (full) {
                if (!run.isEmpty()) {
                    open.append(run);
                    run = new ArrayList<>(images.size());
                    runBytes = 0;
                }
                open.finish();
                this.finished = true;
                open = null;
            }
            if (open == null) {
                open = create(micros);
            }
            run.add(frame);
            runBytes += frame.length();
            last = micros;
        }
        if (!run.isEmpty()) {
            open.append(run);
        }
        return open.framesChannel();
    }

    /** A new open segment for a frame indexed at {@code micros}. */
    private SegmentFile create(long micros) throws IOException {
        Files.createDirectories(this.dir);
        SegmentFile segment = SegmentFile.create(this.dir, micros, this.opener);
        this.segments.add(segment);
        return segment;
    }

    /** Whether an append finished a segment since the last call. */
    synchronized boolean takeFinished() {
        boolean was = this.finished;
        this.finished = false;
        return was;
    }

    private SegmentFile openSegment() {
        SegmentFile last = this.segments.isEmpty() ? null : this.segments.get(this.segments.size() - 1);
        return last != null && last.open() ? last : null;
    }

    /**
     * Finishes the open segment if its first frame is {@code maxSegmentMicros} old, and
     * closes the open lists file if it is as old.
     */
    synchronized void finishIfOlder(long nowMicros, long maxSegmentMicros) throws IOException {
        SegmentFile open = openSegment();
        if (open != null && nowMicros - open.firstMicros >= maxSegmentMicros) {
            open.finish();
        }
        if (this.listsOut != null && nowMicros - this.listsStart >= maxSegmentMicros) {
            this.listsOut.close();
            this.listsOut = null;
        }
    }

    /** Finishes the open segment at once (the disk's floor wants it gone). */
    synchronized void finishOpen() throws IOException {
        SegmentFile open = openSegment();
        if (open != null) {
            open.finish();
        }
    }

    /**
     * Deletes a finished segment.
     * @return whether it was there and finished
     */
    synchronized boolean delete(long start) throws IOException {
        for (int i = 0; i < this.segments.size(); i++) {
            SegmentFile segment = this.segments.get(i);
            if (segment.start == start) {
                if (segment.open()) {
                    return false;
                }
                this.segments.remove(i);
                segment.delete();
                return true;
            }
        }
        return false;
    }

    synchronized long bytes() {
        return this.segments.stream().mapToLong(segment -> segment.bytes).sum();
    }

    synchronized boolean empty() {
        return this.segments.isEmpty() && this.listsOut == null;
    }

    /**
     * Appends lists as JSON lines to the open lists file (a new one each segment
     * duration), in one write; when the disk refuses, the file is cut back.
     * @return the channel to force for them to be durable
     */
    synchronized FileChannel appendLists(List<byte[]> lines, long firstMicros) throws IOException {
        if (this.listsOut == null) {
            Files.createDirectories(this.listsDir);
            Path file = this.listsDir.resolve(firstMicros + ".ndjson");
            this.listsOut = this.opener.open(file,
                    EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
            this.listsStart = firstMicros;
            this.listsSize = this.listsOut.size();
        }
        ByteBuffer[] buffers = new ByteBuffer[lines.size()];
        long length = 0;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.wrap(lines.get(i));
            length += lines.get(i).length;
        }
        try {
            long written = 0;
            while (written < length) {
                written += this.listsOut.write(buffers);
            }
        }
        catch (IOException ex) {
            try {
                this.listsOut.truncate(this.listsSize);
            }
            catch (IOException cut) {
                ex.addSuppressed(cut);
            }
            throw ex;
        }
        this.listsSize += length;
        return this.listsOut;
    }

    /** Closes the open files, forcing them. */
    synchronized void close() {
        SegmentFile open = openSegment();
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
