package dev.udpimage.recording.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.recording.CameraRecording;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.Recording;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.file.StoreDirectoryHealth;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.StoreProperties;
import dev.udpimage.stream.StreamsProperties;
import dev.udpimage.udp.TransferProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recording on one machine, in {@code udp.store.dir}/recording: <pre>
 * recording/127.0.0.21/1764680000000000.seg   frames   .idx   their index (see Segment)
 * recording/127.0.0.21/lists/1764680000000000.ndjson         the sender's lists, one JSON line each
 * </pre> Appends go to the page cache on the caller's thread; a durable append then waits
 * for the {@link GroupCommit}, which forces every file appended meanwhile once (others
 * are forced within {@code udp.store.write-delay}). A retention pass runs every second.
 * At start-up every segment whose index does not end where its frames do is rebuilt from
 * its frames, a torn last frame cut off; nothing found on disk fails the start.
 */
@Component
@ConditionalOnExpression("'${udp.store.backend:file}' == 'file' and ${udp.recording.enabled:true} and '${udp.store.dir:./data}' != ''")
public class FileRecording implements Recording, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FileRecording.class);

    private static final RateLimitedLog failureLog = new RateLimitedLog(log, 1);

    /**
     * Most cameras whose segment and lists files are open at once (three descriptors
     * each): a camera beyond it closes the least recently written one's files (its open
     * segment sealed), so that twenty thousand senders cannot run the process out of file
     * descriptors.
     */
    static final int MAX_OPEN_CAMERAS = 128;

    /**
     * Most bytes of images waiting for the writer while the disk takes writes: a port
     * that finds it full waits (the writer appends at the page cache's speed).
     */
    static final long BEHIND_BYTES = 8L << 20;

    /** Most items the writer appends in one go. */
    private static final int BATCH = 256;

    /** Longest a durable append waits for the disk. */
    private static final int DURABLE_TIMEOUT_SECONDS = 30;

    private final RecordingProperties settings;

    private final CameraKey streams;

    private final int maxImageBytes;

    private final Path root;

    private final JsonMapper json;

    private final ConcurrentMap<String, CameraLog> cameras = new ConcurrentHashMap<>();

    /** The cameras with open files, least recently written first. Guarded by itself. */
    private final java.util.LinkedHashMap<CameraLog, Boolean> open = new java.util.LinkedHashMap<>(16, 0.75f, true);

    private final GroupCommit commit;

    private final Retention retention;

    private final ScheduledExecutorService retentionThread;

    private final StoreDirectoryHealth health;

    private final Counter frames;

    private final Counter recovered;

    private final Counter lost;

    private final Counter notRecorded;

    /**
     * Whether the disk refused the last append: then a probe file is tried every second,
     * so that the store comes back UP once the disk takes writes, without a sender having
     * to fail first.
     */
    private volatile boolean refusing;

    /**
     * What waits for the writer in {@code async}, oldest first. While the disk takes
     * writes, at most {@link #BEHIND_BYTES} (a port waits for room): the newest items,
     * which the history holds too. While it refuses, what waits is a subset of what the
     * store keeps in memory ({@link #forget}), so bounded by it. Guarded by itself.
     */
    private final java.util.ArrayDeque<Object> behind = new java.util.ArrayDeque<>();

    /** Bytes of the images in {@link #behind}. Guarded by it. */
    private long behindBytes;

    private boolean closing;

    /** Appends what waits in {@link #behind}: the ports never wait for a write. */
    private final Thread writer;

    public FileRecording(RecordingProperties settings, StoreProperties store, StreamsProperties streams,
            TransferProperties transfer, JsonMapper json, MeterRegistry registry, StoreDirectoryHealth health) {
        this.settings = settings;
        this.streams = streams.key();
        this.maxImageBytes = (int) transfer.maxImageBytes().toBytes();
        this.json = json;
        this.health = health;
        this.root = Path.of(store.dir()).toAbsolutePath().normalize().resolve("recording");
        this.frames = Counter.builder("udp.recording.frames").description("Frames recorded").register(registry);
        this.recovered = Counter.builder("udp.recording.recovered.segments")
            .description("Segments whose index was rebuilt at start-up (a crash while they were open)")
            .register(registry);
        this.lost = Counter.builder("udp.recording.lost")
            .description("Frames and lists the disk refused in async that the store dropped before the disk took them")
            .register(registry);
        this.notRecorded = Counter.builder("udp.recording.cameras.refused")
            .description("Frames and lists not recorded: udp.recording.max-cameras cameras were recorded")
            .register(registry);
        try {
            Files.createDirectories(this.root);
            load();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read the recording in " + this.root, ex);
        }
        Gauge.builder("udp.recording.bytes", this, recording -> recording.totalBytes())
            .description("Bytes the recording's segments take on disk")
            .baseUnit("bytes")
            .register(registry);
        this.commit = new GroupCommit("recording-commit " + this.root, store.writeDelay().toNanos(),
                DURABLE_TIMEOUT_SECONDS, new GroupCommit.Forced() {

                    @Override
                    public void succeeded() {
                        if (behindCount() == 0) {
                            health.succeeded();
                        }
                    }

                    @Override
                    public void failed(IOException why) {
                        health.failed(why);
                    }

                    @Override
                    public void stopped(IOException why) {
                        log.error("The recording's commit thread stopped; the store is DOWN until the service restarts",
                                why);
                        health.stopped(why);
                    }
                });
        this.retention = new Retention(this.settings, this.root, registry);
        this.writer = new Thread(this::runWriter, "recording-writer " + this.root);
        this.writer.setDaemon(true);
        this.writer.start();
        this.retentionThread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "recording-retention");
            thread.setDaemon(true);
            return thread;
        });
        this.retentionThread.scheduleWithFixedDelay(this::enforceRetention, 0, 1, TimeUnit.SECONDS);
        log.info("Recording every camera in {} (segments of {} or {}, retention {}, at most {}, {} kept free)",
                this.root, this.settings.segmentDuration(), this.settings.segmentBytes(), this.settings.retention(),
                this.settings.maxBytes(), this.settings.minFree());
    }

    private void load() throws IOException {
        long frameCount = 0;
        try (Stream<Path> dirs = Files.list(this.root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                CameraLog camera = new CameraLog(CameraLog.cameraOf(dir.getFileName().toString()), dir);
                try (Stream<Path> files = Files.list(dir)) {
                    List<Long> starts = files.map(file -> file.getFileName().toString())
                        .filter(name -> name.endsWith(Segment.FRAMES))
                        .map(name -> Retention.startOf(Path.of(name)))
                        .filter(start -> start != Long.MAX_VALUE)
                        .sorted()
                        .toList();
                    for (long start : starts) {
                        Segment segment = Segment.recover(dir, start, this.maxImageBytes, this::rebuilt);
                        if (segment != null) {
                            camera.recovered(segment);
                            frameCount += segment.count;
                        }
                    }
                }
                this.cameras.put(camera.camera, camera);
            }
        }
        log.info("Recording: {} frames of {} cameras found in {}", frameCount, this.cameras.size(), this.root);
    }

    private void rebuilt(Path segment, long frameCount, long tornBytes) {
        this.recovered.increment();
        log.warn("Recording: rebuilt the index of {} ({} frames{})", segment, frameCount,
                tornBytes > 0 ? ", a torn tail of " + tornBytes + " bytes cut off" : "");
    }

    /**
     * A camera's log, new if need be.
     * @throws IOException past {@code udp.recording.max-cameras}
     */
    private CameraLog camera(String camera) throws IOException {
        CameraLog known = this.cameras.get(camera);
        if (known != null) {
            return known;
        }
        if (this.cameras.size() >= this.settings.maxCameras()) {
            this.notRecorded.increment();
            failureLog.warn("Not recording {}: {} cameras are recorded (udp.recording.max-cameras)", camera,
                    this.cameras.size());
            throw new TooManyCameras();
        }
        return this.cameras.computeIfAbsent(camera,
                key -> new CameraLog(key, this.root.resolve(CameraLog.dirName(key))));
    }

    /** Not an I/O failure: the disk is fine, the camera is one too many. */
    private static final class TooManyCameras extends IOException {

        TooManyCameras() {
            super("too many cameras");
        }

    }

    // ---- recording
    // --------------------------------------------------------------------------------------------

    @Override
    public void record(ReceivedImage image, boolean durable) {
        record((Object) image, durable);
    }

    @Override
    public void record(ReceivedList list, boolean durable) {
        record((Object) list, durable);
    }

    /**
     * {@code sync}: appends now, on the caller's thread (a store worker), and waits for
     * the group commit. {@code async}: hands the item to the writer thread, behind
     * whatever already waits, so that the order holds; what the disk refuses waits and is
     * tried again every second while the store keeps it.
     */
    private void record(Object item, boolean durable) {
        if (!durable) {
            long size = item instanceof ReceivedImage image ? image.original().length : 0;
            synchronized (this.behind) {
                while (!this.refusing && !this.closing && this.behindBytes > 0
                        && this.behindBytes + size > BEHIND_BYTES) {
                    try {
                        this.behind.wait(100);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                this.behind.add(item);
                this.behindBytes += size;
                this.behind.notifyAll();
            }
            return;
        }
        FileChannel written;
        try {
            written = append(item);
        }
        catch (TooManyCameras ex) {
            return; // stored and answered, not recorded: counted and logged
        }
        catch (IOException ex) {
            refused(ex);
            throw new UncheckedIOException(ex);
        }
        settle(written, durable);
    }

    /** The writer thread: appends what waits, and waits a second after a refusal. */
    private void runWriter() {
        while (true) {
            synchronized (this.behind) {
                while (this.behind.isEmpty() && !this.closing) {
                    try {
                        this.behind.wait();
                    }
                    catch (InterruptedException ex) {
                        return;
                    }
                }
                if (this.behind.isEmpty()) {
                    return; // closing, and everything is written
                }
            }
            boolean written = writeBehind();
            if (!written) {
                synchronized (this.behind) {
                    if (this.closing) {
                        log.error("{} frames and lists could not be recorded before shutdown", this.behind.size());
                        return;
                    }
                    try {
                        this.behind.wait(1000);
                    }
                    catch (InterruptedException ex) {
                        return;
                    }
                }
            }
        }
    }

    /** Appends one item now (a durable save). */
    private FileChannel append(Object item) throws IOException {
        if (item instanceof ReceivedImage image) {
            return appendImages(camera(this.streams.cameraOf(image.metadata().sender())), List.of(image));
        }
        return appendList((ReceivedList) item);
    }

    private FileChannel appendImages(CameraLog camera, List<ReceivedImage> images) throws IOException {
        FileChannel written = camera.append(images, this.settings.segmentDuration().toNanos() / 1000,
                this.settings.segmentBytes().toBytes());
        this.frames.increment(images.size());
        opened(camera);
        if (camera.takeSealed()) {
            // deleting a segment is an unlink or two: the byte bounds hold at once
            this.retention.enforceBytes(this.cameras.values());
        }
        return written;
    }

    private FileChannel appendList(ReceivedList list) throws IOException {
        CameraLog camera = camera(this.streams.cameraOf(list.sender()));
        byte[] line = (this.json.writeValueAsString(list) + "\n").getBytes(StandardCharsets.UTF_8);
        FileChannel written = camera.appendList(line, FrameRecord.micros(list.receivedAt()));
        opened(camera);
        return written;
    }

    /**
     * Notes a camera's files as open, closing the least recently written past the cap.
     */
    private void opened(CameraLog camera) {
        CameraLog eldest = null;
        synchronized (this.open) {
            this.open.put(camera, Boolean.TRUE);
            if (this.open.size() > MAX_OPEN_CAMERAS) {
                eldest = this.open.keySet().iterator().next();
                this.open.remove(eldest);
            }
        }
        if (eldest != null) {
            eldest.close();
        }
    }

    @Override
    public void forget(List<?> evicted) {
        synchronized (this.behind) {
            // while the disk takes writes, everything is written, evicted or not
            if (this.behind.isEmpty() || !this.refusing) {
                return;
            }
            for (Object gone : evicted) {
                if (this.behind.removeIf(item -> item == gone)) {
                    this.behindBytes -= gone instanceof ReceivedImage image ? image.original().length : 0;
                    this.lost.increment();
                }
            }
        }
    }

    /**
     * Appends what waits, in order, until the disk refuses: a batch at a time (up to
     * {@link #BATCH} items), each camera's frames of it in one write.
     * @return false when it refused
     */
    private boolean writeBehind() {
        while (true) {
            List<Object> batch = new ArrayList<>();
            synchronized (this.behind) {
                for (Object item : this.behind) {
                    if (batch.size() == BATCH) {
                        break;
                    }
                    batch.add(item);
                }
            }
            if (batch.isEmpty()) {
                return true;
            }
            java.util.Set<Object> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            IOException refusal = null;
            java.util.Map<CameraLog, List<ReceivedImage>> byCamera = new java.util.LinkedHashMap<>();
            for (Object item : batch) {
                try {
                    if (item instanceof ReceivedImage image) {
                        byCamera
                            .computeIfAbsent(camera(this.streams.cameraOf(image.metadata().sender())),
                                    camera -> new ArrayList<>())
                            .add(image);
                    }
                    else {
                        this.commit.dirty(appendList((ReceivedList) item));
                        done.add(item);
                    }
                }
                catch (TooManyCameras ex) {
                    done.add(item); // not recorded: counted and logged
                }
                catch (IOException ex) {
                    refusal = ex;
                    break;
                }
            }
            if (refusal == null) {
                for (java.util.Map.Entry<CameraLog, List<ReceivedImage>> camera : byCamera.entrySet()) {
                    try {
                        this.commit.dirty(appendImages(camera.getKey(), camera.getValue()));
                        done.addAll(camera.getValue());
                    }
                    catch (IOException ex) {
                        refusal = ex;
                        break;
                    }
                }
            }
            synchronized (this.behind) {
                this.behind.removeIf(item -> {
                    boolean written = done.contains(item);
                    if (written) {
                        this.behindBytes -= item instanceof ReceivedImage image ? image.original().length : 0;
                    }
                    return written;
                });
                this.behind.notifyAll();
            }
            if (refusal != null) {
                refused(refusal);
                return false;
            }
            if (this.refusing) {
                this.refusing = false;
                this.health.succeeded();
            }
        }
    }

    private int behindCount() {
        synchronized (this.behind) {
            return this.behind.size();
        }
    }

    private void refused(IOException ex) {
        this.refusing = true;
        this.health.failed(ex);
        failureLog.error("Could not record: {}", ex.toString());
    }

    private void settle(FileChannel written, boolean durable) {
        if (durable) {
            this.commit.await(written);
        }
        else {
            this.commit.dirty(written);
        }
    }

    private void enforceRetention() {
        try {
            if (this.refusing && behindCount() == 0) {
                this.health.probe(this.root);
                this.refusing = this.health.failing();
            }
            this.retention.enforce(this.cameras.values(), FrameRecord.micros(Instant.now()));
            this.cameras.values().removeIf(CameraLog::empty);
        }
        catch (IOException | RuntimeException ex) {
            failureLog.error("Recording retention failed: {}", ex.toString());
        }
    }

    private long totalBytes() {
        return this.cameras.values().stream().mapToLong(CameraLog::bytes).sum();
    }

    // ---- reading
    // ----------------------------------------------------------------------------------------------

    @Override
    public List<ReceivedImage> newest(int count, long maxBytes) {
        record Candidate(Segment segment, RecordedFrame frame) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (CameraLog camera : this.cameras.values()) {
            List<Segment> segments = camera.snapshot();
            int taken = 0;
            for (int s = segments.size() - 1; s >= 0 && taken < count; s--) {
                Segment segment = segments.get(s);
                long first = Math.max(0, segment.count - (count - taken));
                try (FileChannel index = segment.openIndex()) {
                    for (RecordedFrame frame : segment.entries(index, camera.camera, first, count - taken)) {
                        candidates.add(new Candidate(segment, frame));
                    }
                    taken += (int) (segment.count - first);
                }
                catch (IOException ex) {
                    log.warn("Recording: cannot read {}: {}", segment.index, ex.toString());
                }
            }
        }
        candidates.sort(Comparator.comparing((Candidate c) -> c.frame().receivedAt()).reversed());
        List<ReceivedImage> newest = new ArrayList<>();
        long bytes = 0;
        for (Candidate candidate : candidates) {
            if (newest.size() >= count || bytes + candidate.frame().bytes() > maxBytes) {
                break;
            }
            try (FileChannel frames = FileChannel.open(candidate.segment().frames)) {
                long headerEnd = candidate.frame().offset();
                FrameRecord.Read read = FrameRecord.read(frames, findRecordStart(frames, headerEnd), frames.size(),
                        this.maxImageBytes);
                if (read != null) {
                    newest.add(new ReceivedImage(read.metadata(), read.image()));
                    bytes += read.image().length;
                }
            }
            catch (IOException ex) {
                log.warn("Recording: cannot read {}: {}", candidate.segment().frames, ex.toString());
            }
        }
        return newest;
    }

    /**
     * Where the record of the image at {@code imageOffset} starts: its text ends there.
     */
    private static long findRecordStart(FileChannel frames, long imageOffset) throws IOException {
        // the text is at most 4 KB: look back for the header whose lengths end here
        long from = Math.max(0, imageOffset - FrameRecord.HEADER - 4096);
        java.nio.ByteBuffer before = java.nio.ByteBuffer.allocate((int) (imageOffset - from));
        FrameRecord.readFully(frames, before, from);
        for (int start = before.capacity() - FrameRecord.HEADER; start >= 0; start--) {
            if (before.getInt(start) == FrameRecord.MAGIC
                    && start + FrameRecord.HEADER + before.getInt(start + 8) == before.capacity()) {
                return from + start;
            }
        }
        throw new IOException("no record ends at " + imageOffset);
    }

    @Override
    public List<CameraRecording> cameras() {
        List<CameraRecording> list = new ArrayList<>();
        for (CameraLog camera : this.cameras.values()) {
            List<Segment> segments = camera.snapshot();
            if (segments.isEmpty() || segments.get(segments.size() - 1).count == 0 && segments.size() == 1) {
                continue;
            }
            long frameCount = segments.stream().mapToLong(segment -> segment.count).sum();
            long bytes = segments.stream().mapToLong(segment -> segment.bytes).sum();
            var own = this.settings.maxBytesOf(camera.camera);
            list.add(new CameraRecording(camera.camera, FrameRecord.instant(segments.get(0).firstMicros),
                    FrameRecord.instant(segments.get(segments.size() - 1).lastMicros), frameCount, bytes,
                    segments.size(), this.settings.retentionOf(camera.camera), own == null ? null : own.toBytes()));
        }
        list.sort(Comparator.comparingLong(CameraRecording::frames).reversed());
        return list;
    }

    @Override
    public List<Span> spans(String camera) {
        return segmentsOf(camera).stream()
            .filter(segment -> segment.count > 0)
            .map(segment -> new Span(FrameRecord.instant(segment.firstMicros), FrameRecord.instant(segment.lastMicros),
                    segment.count))
            .toList();
    }

    private List<Segment> segmentsOf(String camera) {
        CameraLog log = this.cameras.get(this.streams.cameraOf(camera));
        return log == null ? List.of() : log.snapshot();
    }

    @Override
    public List<RecordedFrame> frames(String camera, Instant from, Instant to, int limit) {
        String key = this.streams.cameraOf(camera);
        long fromMicros = FrameRecord.micros(from);
        long toMicros = FrameRecord.micros(to);
        List<RecordedFrame> found = new ArrayList<>();
        for (Segment segment : segmentsOf(camera)) {
            if (found.size() >= limit) {
                break;
            }
            long count = segment.count;
            if (count == 0 || segment.lastMicros < fromMicros || segment.firstMicros >= toMicros) {
                continue;
            }
            try (FileChannel index = segment.openIndex()) {
                long first = segment.floor(index, fromMicros - 1) + 1;
                while (first < count && found.size() < limit) {
                    List<RecordedFrame> page = segment.entries(index, key, first, Math.min(limit - found.size(), 4096));
                    for (RecordedFrame frame : page) {
                        if (!frame.receivedAt().isBefore(to)) {
                            return found;
                        }
                        found.add(frame);
                    }
                    first += page.size();
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
        String key = this.streams.cameraOf(camera);
        long micros = FrameRecord.micros(at);
        List<Segment> segments = segmentsOf(camera);
        // the last segment that starts at or before the instant
        int low = 0;
        int high = segments.size() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (segments.get(mid).firstMicros <= micros) {
                found = mid;
                low = mid + 1;
            }
            else {
                high = mid - 1;
            }
        }
        for (int s = found; s >= 0; s--) {
            Segment segment = segments.get(s);
            try (FileChannel index = segment.openIndex()) {
                long position = segment.floor(index, micros);
                if (position >= 0) {
                    return Optional.of(segment.entries(index, key, position, 1).get(0));
                }
            }
            catch (NoSuchFileException ex) {
                return Optional.empty();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return Optional.empty();
    }

    @Override
    public byte[] read(RecordedFrame frame) {
        for (Segment segment : segmentsOf(frame.camera())) {
            if (segment.start == frame.segment()) {
                try {
                    return segment.read(frame.offset(), frame.bytes());
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
        }
        throw new UncheckedIOException(
                new NoSuchFileException("the segment of " + frame.receivedAt() + " is no longer kept"));
    }

    @Override
    public long writeLists(String camera, Instant from, Instant to, OutputStream out) {
        CameraLog log = this.cameras.get(this.streams.cameraOf(camera));
        if (log == null || !Files.isDirectory(log.listsDir)) {
            return 0;
        }
        long written = 0;
        long fromMicros = FrameRecord.micros(from) - this.settings.segmentDuration().toNanos() / 1000;
        try (Stream<Path> files = Files.list(log.listsDir)) {
            List<Path> candidates = files.filter(file -> {
                long start = Retention.startOf(file);
                return start >= fromMicros && start < FrameRecord.micros(to);
            }).sorted(Comparator.comparingLong(Retention::startOf)).toList();
            for (Path file : candidates) {
                try (BufferedReader lines = Files.newBufferedReader(file)) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        Instant at = receivedAt(line);
                        if (at != null && !at.isBefore(from) && at.isBefore(to)) {
                            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                            written++;
                        }
                    }
                }
                catch (NoSuchFileException ex) {
                    // deleted by retention meanwhile
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return written;
    }

    /** A line's time, or null for a torn line (a crash while it was written). */
    private Instant receivedAt(String line) {
        try {
            return Instant.parse(this.json.readTree(line).path("receivedAt").asString());
        }
        catch (RuntimeException ex) {
            return null;
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        this.retentionThread.shutdownNow();
        synchronized (this.behind) {
            this.closing = true;
            this.behind.notifyAll();
        }
        this.writer.join(TimeUnit.SECONDS.toMillis(DURABLE_TIMEOUT_SECONDS));
        this.commit.close();
        this.cameras.values().forEach(CameraLog::close);
    }

}
