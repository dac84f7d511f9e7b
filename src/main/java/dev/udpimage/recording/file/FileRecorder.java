package dev.udpimage.recording.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.disk.DiskHealth;
import dev.udpimage.disk.GroupCommit;
import dev.udpimage.disk.WriteBehind;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.recording.Recorder;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.Received;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import tools.jackson.databind.json.JsonMapper;

/**
 * The writing side of the file recording. Behind ({@code async}): items wait in a
 * {@link WriteBehind} and its thread appends them in batches, each run of one camera's
 * frames (or lists) in one write, the files forced within {@code udp.store.write-delay}
 * by the {@link GroupCommit}. Durably ({@code sync}): the caller (a store worker) appends
 * its item itself and waits for the group commit, which forces every file appended to
 * meanwhile once.
 */
final class FileRecorder implements Recorder, WriteBehind.Sink<Received> {

    private static final Logger log = LoggerFactory.getLogger(FileRecorder.class);

    private static final RateLimitedLog failureLog = new RateLimitedLog(log, 1);

    private final Catalog catalog;

    private final RecordingProperties settings;

    private final CameraKey cameras;

    private final JsonMapper json;

    private final GroupCommit<FileChannel> commit;

    private final DiskHealth health;

    private final Counter frames;

    private final Counter refusedCameras;

    /** Told when an append finished a segment: the byte bounds are enforced at once. */
    private final Runnable finished;

    private final FileRecordingReader reader;

    private WriteBehind<Received> behind;

    FileRecorder(Catalog catalog, RecordingProperties settings, CameraKey cameras, JsonMapper json,
            GroupCommit<FileChannel> commit, DiskHealth health, Counter frames, Counter refusedCameras,
            Runnable finished, FileRecordingReader reader) {
        this.reader = reader;
        this.catalog = catalog;
        this.settings = settings;
        this.cameras = cameras;
        this.json = json;
        this.commit = commit;
        this.health = health;
        this.frames = frames;
        this.refusedCameras = refusedCameras;
        this.finished = finished;
    }

    /** The queue whose thread writes behind ({@link #write} is its sink). */
    void writeBehind(WriteBehind<Received> behind) {
        this.behind = behind;
    }

    @Override
    public void record(ReceivedImage image) {
        this.behind.add(image);
    }

    @Override
    public void record(ReceivedList list) {
        this.behind.add(list);
    }

    @Override
    public void recordDurably(ReceivedImage image) {
        appendDurably(image);
    }

    @Override
    public void recordDurably(ReceivedList list) {
        appendDurably(list);
    }

    @Override
    public Recent recent(int count, long maxBytes) {
        return this.reader.recent(count, maxBytes);
    }

    private void appendDurably(Received item) {
        FileChannel written;
        try {
            written = append(item.sender(), List.of(item));
        }
        catch (Catalog.TooManyCameras ex) {
            return; // kept and answered, not recorded: counted and logged
        }
        catch (IOException ex) {
            refused(ex);
            throw new UncheckedIOException(ex);
        }
        this.commit.await(written);
    }

    /**
     * The writer thread's batch: runs of one camera's frames (or lists), each appended in
     * one write.
     */
    @Override
    public void write(List<Received> batch) throws WriteBehind.Refused {
        int start = 0;
        while (start < batch.size()) {
            Received first = batch.get(start);
            String camera = this.cameras.cameraOf(first.sender());
            int end = start + 1;
            while (end < batch.size() && batch.get(end).getClass() == first.getClass()
                    && this.cameras.cameraOf(batch.get(end).sender()).equals(camera)) {
                end++;
            }
            try {
                this.commit.later(append(first.sender(), batch.subList(start, end)));
            }
            catch (Catalog.TooManyCameras ex) {
                // kept and answered, not recorded: counted and logged
            }
            catch (IOException ex) {
                refused(ex);
                throw new WriteBehind.Refused(start, ex);
            }
            start = end;
        }
    }

    /**
     * Appends items of one camera, all images or all lists.
     * @return the file to force for them to be durable
     */
    private FileChannel append(String sender, List<? extends Received> items) throws IOException {
        String key = this.cameras.cameraOf(sender);
        CameraSegments camera;
        try {
            camera = this.catalog.admit(key);
        }
        catch (Catalog.TooManyCameras ex) {
            this.refusedCameras.increment(items.size());
            failureLog.warn("Not recording {}: {}", key, ex.getMessage());
            throw ex;
        }
        FileChannel written;
        if (items.get(0) instanceof ReceivedImage) {
            List<ReceivedImage> images = new ArrayList<>(items.size());
            items.forEach(item -> images.add((ReceivedImage) item));
            written = camera.append(images, this.settings.segmentDuration().toNanos() / 1000,
                    this.settings.segmentBytes().toBytes());
            this.frames.increment(images.size());
        }
        else {
            List<byte[]> lines = new ArrayList<>(items.size());
            for (Received item : items) {
                lines.add((this.json.writeValueAsString(item) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            written = camera.appendLists(lines, IndexTimes.micros(items.get(0).receivedAt()));
        }
        this.catalog.opened(camera);
        if (camera.takeFinished()) {
            this.finished.run();
        }
        return written;
    }

    private void refused(IOException ex) {
        this.health.failed(ex);
        failureLog.error("Could not record: {}", ex.toString());
    }

}
