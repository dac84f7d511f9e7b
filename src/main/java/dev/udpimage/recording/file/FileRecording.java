package dev.udpimage.recording.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

import dev.udpimage.disk.DiskHealth;
import dev.udpimage.disk.GroupCommit;
import dev.udpimage.disk.WriteBehind;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.recording.Recorder;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.recording.retention.RetentionPolicy;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.Received;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.StoreProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recording on one machine, in {@code udp.store.dir}/recording: <pre>
 * recording/127.0.0.21/1764680000000000.seg   frames   .idx   their index (recording.format)
 * recording/127.0.0.21/lists/1764680000000000.ndjson         the sender's lists, one JSON line each
 * </pre> It puts the parts together and runs them: {@link Recovery} at start, the
 * {@link Catalog} of cameras, the writing side ({@link FileRecorder}, behind a
 * {@link WriteBehind}, forced by a {@link GroupCommit}), the reading side
 * ({@link FileRecordingReader}), and every second a pass that finishes segments as old as
 * a segment's duration and keeps the disk's floor, and every
 * {@code udp.recording.retention-interval} the {@link Cleaner}'s whole pass.
 */
public class FileRecording implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FileRecording.class);

    private static final RateLimitedLog failureLog = new RateLimitedLog(log, 1);

    /**
     * Most bytes of items waiting for the writer while the disk takes writes: a port that
     * finds it full waits (the writer appends at the page cache's speed).
     */
    static final long BEHIND_BYTES = 8L << 20;

    /** Most items the writer appends in one batch. */
    static final int BATCH = 1024;

    /** How long the woken writer gathers before it writes. */
    static final Duration GATHER = Duration.ofMillis(10);

    /** Longest a durable append, or shutdown, waits for the disk. */
    static final Duration DISK_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;

    private final RecordingProperties settings;

    private final Catalog catalog;

    private final GroupCommit<FileChannel> commit;

    private final WriteBehind<Received> behind;

    private final FileRecorder recorder;

    private final FileRecordingReader reader;

    private final Cleaner cleaner;

    private final ScheduledExecutorService clock;

    private long lastRetentionNanos;

    public FileRecording(RecordingProperties settings, StoreProperties store, CameraKey cameras, JsonMapper json,
            MeterRegistry registry, DiskHealth health, Supplier<List<RetentionPolicy.Kept>> kept) {
        this.settings = settings;
        this.root = Path.of(store.dir()).toAbsolutePath().normalize().resolve("recording");
        this.catalog = new Catalog(this.root, settings.maxCameras(), FileOpener.DEFAULT);
        Counter recovered = Counter.builder("udp.recording.recovered.segments")
            .description("Segments whose index was rebuilt at start-up (a crash while they were open)")
            .register(registry);
        try {
            Files.createDirectories(this.root);
            long frames = Recovery.load(this.catalog, (segment, count, torn) -> {
                recovered.increment();
                log.warn("Recording: rebuilt the index of {} ({} frames{})", segment, count,
                        torn > 0 ? ", a torn tail of " + torn + " bytes cut off" : "");
            });
            log.info("Recording: {} frames of {} cameras found in {}", frames, this.catalog.cameras().size(),
                    this.root);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read the recording in " + this.root, ex);
        }
        Gauge.builder("udp.recording.bytes", this.catalog, Catalog::bytes)
            .description("Bytes the recording's segments take on disk")
            .baseUnit("bytes")
            .register(registry);
        Counter lost = Counter.builder("udp.recording.lost")
            .description("Frames and lists the disk refused in async for so long that they were given up")
            .register(registry);
        this.commit = new GroupCommit<>("recording-commit " + this.root, store.writeDelay(), DISK_TIMEOUT,
                FileRecording::force, new GroupCommit.Outcome() {

                    @Override
                    public void succeeded() {
                        if (FileRecording.this.behind != null && !FileRecording.this.behind.refusing()) {
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
        this.reader = new FileRecordingReader(this.catalog, settings, cameras, json);
        this.cleaner = new Cleaner(this.catalog, settings, registry, kept);
        this.recorder = new FileRecorder(this.catalog, settings, cameras, json, this.commit, health,
                Counter.builder("udp.recording.frames").description("Frames recorded").register(registry),
                Counter.builder("udp.recording.cameras.refused")
                    .description("Frames and lists not recorded: udp.recording.max-cameras cameras were recorded")
                    .register(registry),
                this::segmentFinished, this.reader);
        // while the disk refuses, what waits is bounded as the store's history is
        WriteBehind.Limits limits = new WriteBehind.Limits(BEHIND_BYTES, 2 * store.history(),
                store.maxBytes().toBytes() + StoreProperties.LIST_BYTES, BATCH);
        this.behind = new WriteBehind<>("recording-writer " + this.root, this.recorder, FileRecording::bytes, GATHER,
                limits, new WriteBehind.Outcome<>() {

                    @Override
                    public void recovered() {
                        health.succeeded();
                    }

                    @Override
                    public void refused(IOException why) {
                        health.failed(why);
                    }

                    @Override
                    public void dropped(Received item) {
                        lost.increment();
                    }

                    @Override
                    public boolean unhealthy() {
                        return health.failing();
                    }

                    @Override
                    public boolean probe() {
                        health.probe(FileRecording.this.root);
                        return !health.failing();
                    }

                });
        this.recorder.writeBehind(this.behind);
        this.clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "recording-clock");
            thread.setDaemon(true);
            return thread;
        });
        this.clock.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
        log.info("Recording every camera in {} (segments of {} or {}, retention {}, at most {}, {} kept free)",
                this.root, settings.segmentDuration(), settings.segmentBytes(), settings.retention(),
                settings.maxBytes(), settings.minFree());
    }

    /** What the store hands its items to. */
    public Recorder recorder() {
        return this.recorder;
    }

    /** What the recordings API reads. */
    public RecordingReader reader() {
        return this.reader;
    }

    private static long bytes(Received item) {
        return item instanceof ReceivedImage image ? image.original().length
                : (long) ((dev.udpimage.store.ReceivedList) item).bytes();
    }

    /**
     * Forces the files appended to; a file finished meanwhile was forced by finishing.
     */
    private static void force(java.util.Set<FileChannel> files, GroupCommit.Failed<FileChannel> failed)
            throws IOException {
        for (FileChannel file : files) {
            try {
                file.force(false);
            }
            catch (ClosedChannelException ex) {
                // finished meanwhile: forced then
            }
            catch (IOException ex) {
                failed.failed(file, ex);
            }
        }
    }

    /** An append finished a segment: the byte bounds hold at once. */
    private void segmentFinished() {
        try {
            this.cleaner.enforce(IndexTimes.micros(Instant.now()));
        }
        catch (IOException | RuntimeException ex) {
            failureLog.error("Recording retention failed: {}", ex.toString());
        }
    }

    /**
     * Every second: finishes segments as old as a segment's duration, keeps the disk's
     * floor; every retention interval, the whole retention pass.
     */
    private void tick() {
        try {
            long now = IndexTimes.micros(Instant.now());
            long maxMicros = this.settings.segmentDuration().toNanos() / 1000;
            for (CameraSegments camera : this.catalog.cameras()) {
                camera.finishIfOlder(now, maxMicros);
            }
            if (System.nanoTime() - this.lastRetentionNanos >= this.settings.retentionInterval().toNanos()) {
                this.lastRetentionNanos = System.nanoTime();
                this.cleaner.enforce(now);
            }
            else {
                this.cleaner.enforceFloor(now);
            }
        }
        catch (IOException | RuntimeException ex) {
            failureLog.error("Recording retention failed: {}", ex.toString());
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        this.clock.shutdownNow();
        int unwritten = this.behind.close(DISK_TIMEOUT);
        if (unwritten > 0) {
            log.error("{} frames and lists could not be recorded before shutdown", unwritten);
        }
        this.commit.close();
        this.catalog.close();
    }

}
