package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import dev.udpimage.recording.format.IndexEntry;
import dev.udpimage.recording.format.SegmentScan;
import dev.udpimage.recording.format.Source;

/**
 * What the recording finds on disk at start-up, made whole: every segment's index is
 * checked against its frames (it must end where the frames file ends, and name where each
 * record starts); a segment that fails (the process died while it was open: a torn last
 * record, an index behind its frames) is scanned record by record, each CRC checked, cut
 * after its last whole record, and its index rewritten. An empty segment is deleted.
 * Nothing found on disk fails a start.
 */
final class Recovery {

    /** Hears what recovery did. */
    interface Report {

        void rebuilt(Path segment, long frames, long tornBytes);

    }

    private Recovery() {
    }

    /** Every camera under the catalog's root, recovered into it. @return frames found */
    static long load(Catalog catalog, Report report) throws IOException {
        long frames = 0;
        try (Stream<Path> dirs = Files.list(catalog.root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                CameraSegments camera = catalog.found(dir);
                for (long start : starts(dir)) {
                    SegmentFile segment = recover(dir, start, camera.lastMicros(), report);
                    if (segment != null) {
                        camera.recovered(segment);
                        frames += segment.count;
                    }
                }
            }
        }
        return frames;
    }

    /** The starts of a camera's segments, in order. */
    static List<Long> starts(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString())
                .filter(name -> name.endsWith(SegmentFile.FRAMES))
                .map(name -> startOf(name))
                .filter(start -> start != Long.MAX_VALUE)
                .sorted()
                .toList();
        }
    }

    /** The number a file's name starts with, or {@code Long.MAX_VALUE}. */
    static long startOf(String name) {
        int dot = name.indexOf('.');
        try {
            return Long.parseLong(dot < 0 ? name : name.substring(0, dot));
        }
        catch (NumberFormatException ex) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * One segment, finished: its index read, or rebuilt from its frames.
     * @param previous the camera's last index time before it
     * @return null when it holds no whole frame (it is deleted)
     */
    static SegmentFile recover(Path dir, long start, long previous, Report report) throws IOException {
        Path frames = dir.resolve(start + SegmentFile.FRAMES);
        Path index = dir.resolve(start + SegmentFile.INDEX);
        try (FileChannel framesChannel = FileChannel.open(frames, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long framesSize = framesChannel.size();
            long indexSize = Files.exists(index) ? Files.size(index) : -1;
            IndexEntry first = null;
            IndexEntry last = null;
            if (indexSize > 0 && indexSize % IndexEntry.BYTES == 0) {
                try (FileChannel indexChannel = FileChannel.open(index, StandardOpenOption.READ)) {
                    first = entry(indexChannel, 0);
                    last = entry(indexChannel, indexSize / IndexEntry.BYTES - 1);
                }
            }
            long count;
            if (last != null && last.end() == framesSize && last.headerLength() > 0 && first.micros() > previous) {
                count = indexSize / IndexEntry.BYTES;
            }
            else {
                SegmentScan.Scanned scanned = SegmentScan.scan(Source.of(framesChannel), previous);
                rewrite(index, scanned.entries());
                if (scanned.end() < framesSize) {
                    framesChannel.truncate(scanned.end());
                    framesChannel.force(false);
                }
                count = scanned.entries().size();
                report.rebuilt(frames, count, scanned.tornBytes());
                if (count > 0) {
                    first = scanned.entries().get(0);
                    last = scanned.entries().get(scanned.entries().size() - 1);
                }
                framesSize = scanned.end();
            }
            if (count == 0) {
                Files.deleteIfExists(index);
                Files.deleteIfExists(frames);
                return null;
            }
            return SegmentFile.finished(dir, start, count, first.micros(), last.micros(), framesSize);
        }
        catch (NoSuchFileException ex) {
            Files.deleteIfExists(index);
            return null;
        }
    }

    private static IndexEntry entry(FileChannel index, long position) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(IndexEntry.BYTES);
        Source.of(index).readFully(bytes, position * IndexEntry.BYTES);
        return IndexEntry.get(bytes.flip());
    }

    /** Writes a rebuilt index whole, and forces it. */
    private static void rewrite(Path index, List<IndexEntry> entries) throws IOException {
        try (FileChannel out = FileChannel.open(index, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(IndexEntry.encode(entries));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(false);
        }
    }

}
