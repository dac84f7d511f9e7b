package dev.udpimage.recording.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.recording.CameraRecording;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.Recorder;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.recording.format.FrameRecord;
import dev.udpimage.recording.format.IndexEntry;
import dev.udpimage.recording.format.IndexSearch;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reading side of the file recording: snapshots of the catalog's segments, binary
 * searches of their indexes, and reads of their frames, on the caller's thread and
 * without the cameras' locks. A segment deleted by retention meanwhile is simply not
 * there any more.
 */
final class FileRecordingReader implements RecordingReader {

    private static final Logger log = LoggerFactory.getLogger(FileRecordingReader.class);

    /** Where a frame lies in the file backend. */
    record SegmentLocation(String camera, long segment, long offset) implements RecordedFrame.Location {
    }

    private final Catalog catalog;

    private final RecordingProperties settings;

    private final CameraKey cameras;

    private final JsonMapper json;

    FileRecordingReader(Catalog catalog, RecordingProperties settings, CameraKey cameras, JsonMapper json) {
        this.catalog = catalog;
        this.settings = settings;
        this.cameras = cameras;
        this.json = json;
    }

    private List<SegmentFile> segmentsOf(String camera) {
        CameraSegments segments = this.catalog.get(this.cameras.cameraOf(camera));
        return segments == null ? List.of() : segments.snapshot();
    }

    private static RecordedFrame frame(String camera, SegmentFile segment, IndexEntry entry) {
        return new RecordedFrame(IndexTimes.instant(entry.micros()), entry.length(), entry.format(), entry.width(),
                entry.height(), new SegmentLocation(camera, segment.start, entry.imageOffset()));
    }

    @Override
    public List<CameraRecording> cameras() {
        List<CameraRecording> list = new ArrayList<>();
        for (CameraSegments camera : this.catalog.cameras()) {
            List<SegmentFile> segments = camera.snapshot().stream().filter(segment -> segment.count > 0).toList();
            if (segments.isEmpty()) {
                continue;
            }
            long frames = segments.stream().mapToLong(segment -> segment.count).sum();
            long bytes = segments.stream().mapToLong(segment -> segment.bytes).sum();
            var own = this.settings.maxBytesOf(camera.camera);
            list.add(new CameraRecording(camera.camera, IndexTimes.instant(segments.get(0).firstMicros),
                    IndexTimes.instant(segments.get(segments.size() - 1).lastMicros), frames, bytes, segments.size(),
                    this.settings.retentionOf(camera.camera), own == null ? null : own.toBytes()));
        }
        list.sort(Comparator.comparingLong(CameraRecording::frames).reversed());
        return list;
    }

    @Override
    public List<Span> spans(String camera) {
        return segmentsOf(camera).stream()
            .filter(segment -> segment.count > 0)
            .map(segment -> new Span(IndexTimes.instant(segment.firstMicros), IndexTimes.instant(segment.lastMicros),
                    segment.count))
            .toList();
    }

    @Override
    public List<RecordedFrame> frames(String camera, Instant from, Instant to, int limit) {
        String key = this.cameras.cameraOf(camera);
        long fromMicros = IndexTimes.micros(from);
        long toMicros = IndexTimes.micros(to);
        List<RecordedFrame> found = new ArrayList<>();
        for (SegmentFile segment : segmentsOf(camera)) {
            long count = segment.count;
            if (found.size() >= limit) {
                break;
            }
            if (count == 0 || segment.lastMicros < fromMicros || segment.firstMicros >= toMicros) {
                continue;
            }
            try (FileChannel index = segment.openIndex()) {
                long next = segment.floor(index, fromMicros - 1) + 1;
                while (next < count && found.size() < limit) {
                    List<IndexEntry> page = segment.entries(index, next, Math.min(limit - found.size(), 4096));
                    for (IndexEntry entry : page) {
                        if (entry.micros() >= toMicros) {
                            return found;
                        }
                        found.add(frame(key, segment, entry));
                    }
                    next += page.size();
                }
            }
            catch (NoSuchFileException ex) {
                // deleted by retention meanwhile
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return found;
    }

    @Override
    public Optional<RecordedFrame> frameAt(String camera, Instant at) {
        String key = this.cameras.cameraOf(camera);
        long micros = IndexTimes.micros(at);
        List<SegmentFile> segments = segmentsOf(camera);
        try {
            long found = IndexSearch.floor(segments.size(), position -> segments.get((int) position).firstMicros,
                    micros);
            for (long s = found; s >= 0; s--) {
                SegmentFile segment = segments.get((int) s);
                try (FileChannel index = segment.openIndex()) {
                    long position = segment.floor(index, micros);
                    if (position >= 0) {
                        return Optional.of(frame(key, segment, segment.entries(index, position, 1).get(0)));
                    }
                }
            }
        }
        catch (NoSuchFileException ex) {
            return Optional.empty();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return Optional.empty();
    }

    @Override
    public byte[] read(RecordedFrame frame) {
        if (frame.location() instanceof SegmentLocation location) {
            for (SegmentFile segment : segmentsOf(location.camera())) {
                if (segment.start == location.segment()) {
                    try {
                        return segment.read(location.offset(), frame.bytes());
                    }
                    catch (NoSuchFileException ex) {
                        break;
                    }
                    catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }
            }
        }
        throw new UncheckedIOException(
                new NoSuchFileException("the segment of " + frame.receivedAt() + " is no longer kept"));
    }

    @Override
    public long lists(String camera, Instant from, Instant to, Consumer<ReceivedList> each) {
        CameraSegments segments = this.catalog.get(this.cameras.cameraOf(camera));
        if (segments == null) {
            return 0;
        }
        long read = 0;
        // a file holds the lists from its start to the next file's (files follow each
        // other in time; how long one stays open depends on when it is closed)
        long fromMicros = IndexTimes.micros(from);
        long toMicros = IndexTimes.micros(to);
        List<Path> files = listFiles(segments);
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            long start = Recovery.startOf(file.getFileName().toString());
            long next = f + 1 < files.size() ? Recovery.startOf(files.get(f + 1).getFileName().toString())
                    : Long.MAX_VALUE;
            if (next < fromMicros || start > toMicros) {
                continue;
            }
            try (BufferedReader lines = Files.newBufferedReader(file)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    ReceivedList list = parse(line);
                    if (list != null && !list.receivedAt().isBefore(from) && list.receivedAt().isBefore(to)) {
                        each.accept(list);
                        read++;
                    }
                }
            }
            catch (NoSuchFileException ex) {
                // deleted by retention meanwhile
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return read;
    }

    @Override
    public Optional<ReceivedList> listAt(String camera, Instant at) {
        CameraSegments segments = this.catalog.get(this.cameras.cameraOf(camera));
        if (segments == null) {
            return Optional.empty();
        }
        long micros = IndexTimes.micros(at);
        List<Path> files = listFiles(segments);
        // the newest file that starts at or before the instant, and older ones if it has
        // none
        for (int f = files.size() - 1; f >= 0; f--) {
            if (Recovery.startOf(files.get(f).getFileName().toString()) > micros) {
                continue;
            }
            ReceivedList found = null;
            try (BufferedReader lines = Files.newBufferedReader(files.get(f))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    ReceivedList list = parse(line);
                    if (list != null && !list.receivedAt().isAfter(at)) {
                        found = list;
                    }
                }
            }
            catch (NoSuchFileException ex) {
                continue;
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (found != null) {
                return Optional.of(found);
            }
        }
        return Optional.empty();
    }

    /** A camera's lists files, oldest first. */
    static List<Path> listFiles(CameraSegments camera) {
        if (!Files.isDirectory(camera.listsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(camera.listsDir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".ndjson"))
                .sorted(Comparator.comparingLong(file -> Recovery.startOf(file.getFileName().toString())))
                .toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A recorded list line, or null for a torn one (the process died while it was
     * written).
     */
    private ReceivedList parse(String line) {
        try {
            return this.json.readValue(line, ReceivedList.class);
        }
        catch (RuntimeException ex) {
            return null;
        }
    }

    /** The newest images and lists of all cameras, for the store's history at start. */
    Recorder.Recent recent(int count, long maxBytes) {
        return new Recorder.Recent(newestImages(count, maxBytes), newestLists(count));
    }

    private List<ReceivedImage> newestImages(int count, long maxBytes) {
        record Candidate(SegmentFile segment, IndexEntry entry) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (CameraSegments camera : this.catalog.cameras()) {
            List<SegmentFile> segments = camera.snapshot();
            int taken = 0;
            for (int s = segments.size() - 1; s >= 0 && taken < count; s--) {
                SegmentFile segment = segments.get(s);
                long first = Math.max(0, segment.count - (count - taken));
                try (FileChannel index = segment.openIndex()) {
                    for (IndexEntry entry : segment.entries(index, first, count - taken)) {
                        candidates.add(new Candidate(segment, entry));
                    }
                    taken += (int) (segment.count - first);
                }
                catch (IOException ex) {
                    log.warn("Recording: cannot read {}: {}", segment.index, ex.toString());
                }
            }
        }
        candidates.sort(Comparator.comparingLong((Candidate c) -> c.entry().micros()).reversed());
        List<ReceivedImage> newest = new ArrayList<>();
        long bytes = 0;
        for (Candidate candidate : candidates) {
            if (newest.size() >= count || bytes + candidate.entry().length() > maxBytes) {
                break;
            }
            try (FileChannel frames = FileChannel.open(candidate.segment().frames, StandardOpenOption.READ)) {
                FrameRecord.Read read = candidate.segment().record(frames, candidate.entry());
                if (read != null) {
                    newest.add(new ReceivedImage(read.metadata(), read.image()));
                    bytes += read.image().length;
                }
            }
            catch (IOException ex) {
                log.warn("Recording: cannot read {}: {}", candidate.segment().frames, ex.toString());
            }
        }
        Collections.reverse(newest);
        return newest;
    }

    private List<ReceivedList> newestLists(int count) {
        List<ReceivedList> newest = new ArrayList<>();
        for (CameraSegments camera : this.catalog.cameras()) {
            List<Path> files = listFiles(camera);
            List<ReceivedList> ofCamera = new ArrayList<>();
            for (int f = files.size() - 1; f >= 0 && ofCamera.size() < count; f--) {
                // the file's last lines: only those are parsed
                ArrayDeque<String> last = new ArrayDeque<>();
                try (BufferedReader lines = Files.newBufferedReader(files.get(f))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        last.addLast(line);
                        if (last.size() > count) {
                            last.removeFirst();
                        }
                    }
                }
                catch (IOException ex) {
                    log.warn("Recording: cannot read {}: {}", files.get(f), ex.toString());
                }
                List<ReceivedList> inFile = new ArrayList<>();
                for (String line : last) {
                    ReceivedList list = parse(line);
                    if (list != null) {
                        inFile.add(list);
                    }
                }
                ofCamera.addAll(0, inFile);
            }
            newest.addAll(ofCamera.subList(Math.max(0, ofCamera.size() - count), ofCamera.size()));
        }
        newest.sort(Comparator.comparingLong(ReceivedList::id));
        return List.copyOf(newest.subList(Math.max(0, newest.size() - count), newest.size()));
    }

}
