package dev.udpimage.recording.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.FileSystemUtils;
import org.springframework.util.unit.DataSize;

import dev.udpimage.disk.DiskHealth;
import dev.udpimage.disk.GroupCommit;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.format.IndexEntry;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import tools.jackson.databind.json.JsonMapper;

/**
 * The file recording below the sockets, on a temporary directory: recovery from a torn
 * tail at every byte offset of the last record and of the last index entry, a channel
 * that refuses the Nth write or force, and paging across frames received in one
 * microsecond.
 */
class SegmentFilesTest {

    private static final String CAMERA = "127.0.0.5";

    private static final Instant T = Instant.parse("2026-12-06T10:42:00.123456Z");

    private static final long MINUTE = 60_000_000L;

    private static final long MB64 = 64L << 20;

    @TempDir
    Path dir;

    private static ReceivedImage image(long id, Instant at, int length) {
        byte[] bytes = new byte[length];
        new Random(id).nextBytes(bytes);
        return new ReceivedImage(new ImageMetadata(id, CAMERA + ":5000", at, length, 2, 32, 24, "jpeg", "chunked", 0.5),
                bytes);
    }

    static RecordingProperties settings() {
        return new RecordingProperties(true, Duration.ofMinutes(1), DataSize.ofMegabytes(64), Duration.ofDays(7),
                DataSize.ofGigabytes(20), DataSize.ofBytes(0), 1024, Map.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofDays(30));
    }

    private static Catalog catalog(Path root, FileOpener opener) {
        return new Catalog(root, 1024, opener);
    }

    /** Recovers a directory into a fresh catalog. @return segments rebuilt */
    private static int[] recover(Catalog catalog) throws IOException {
        int[] rebuilt = { 0 };
        Recovery.load(catalog, (segment, frames, torn) -> rebuilt[0]++);
        return rebuilt;
    }

    private static List<RecordedFrame> all(FileRecordingReader reader) {
        return reader.frames(CAMERA, Instant.EPOCH, Instant.now().plusSeconds(3600), 100_000);
    }

    private Path copy(String name) throws IOException {
        Path target = this.dir.resolve(name);
        FileSystemUtils.deleteRecursively(target);
        FileSystemUtils.copyRecursively(this.dir.resolve("recording"), target);
        return target;
    }

    private static Path only(Path root, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    @Test
    void aTornTailAtEveryOffsetOfTheLastRecordOrIndexEntryIsCutOffAndTheRestKept() throws IOException {
        Catalog written = catalog(this.dir.resolve("recording"), FileOpener.DEFAULT);
        List<ReceivedImage> images = List.of(image(1, T, 300), image(2, T.plusMillis(40), 5000),
                image(3, T.plusMillis(80), 200));
        CameraSegments camera = written.admit(CAMERA);
        camera.append(images.subList(0, 2), MINUTE, MB64);
        camera.append(images.subList(2, 3), MINUTE, MB64);
        long lastRecordStart = camera.snapshot().get(0).bytes - 3 * IndexEntry.BYTES
                - (FrameRecordSize.of(images.get(2)));
        written.close();
        long whole = Files.size(only(this.dir.resolve("recording"), ".seg"));
        assertThat(lastRecordStart).isEqualTo(whole - FrameRecordSize.of(images.get(2)));

        // as written: nothing to rebuild
        Catalog intact = catalog(copy("intact"), FileOpener.DEFAULT);
        assertThat(recover(intact)[0]).isZero();
        assertThat(all(reader(intact))).hasSize(3);

        for (long cut = lastRecordStart; cut < whole; cut++) {
            Path root = copy("torn");
            truncate(only(root, ".seg"), cut);
            Catalog recovered = catalog(root, FileOpener.DEFAULT);
            assertThat(recover(recovered)[0]).as("cut at %d", cut).isEqualTo(1);
            FileRecordingReader reader = reader(recovered);
            List<RecordedFrame> frames = all(reader);
            assertThat(frames).as("cut at %d", cut).hasSize(2);
            assertThat(reader.read(frames.get(1))).isEqualTo(images.get(1).original());
            assertThat(Files.size(only(root, ".seg"))).isEqualTo(lastRecordStart);
            assertThat(Files.size(only(root, ".idx"))).isEqualTo(2 * IndexEntry.BYTES);
            // and a second start finds it whole
            assertThat(recover(catalog(root, FileOpener.DEFAULT))[0]).isZero();
        }
        for (long cut = 2 * IndexEntry.BYTES; cut < 3 * IndexEntry.BYTES; cut++) {
            Path root = copy("torn-index");
            truncate(only(root, ".idx"), cut);
            Catalog recovered = catalog(root, FileOpener.DEFAULT);
            assertThat(recover(recovered)[0]).as("index cut at %d", cut).isEqualTo(1);
            List<RecordedFrame> frames = all(reader(recovered));
            assertThat(frames).hasSize(3);
            assertThat(reader(recovered).read(frames.get(2))).isEqualTo(images.get(2).original());
        }
    }

    @Test
    void aRefusedWriteLeavesTheSegmentAsItWasAndLaterAppendsGoOn() throws IOException {
        FailingChannel.Opener disk = new FailingChannel.Opener();
        Path root = this.dir.resolve("recording");
        Catalog catalog = catalog(root, disk);
        CameraSegments camera = catalog.admit(CAMERA);
        camera.append(List.of(image(1, T, 1000)), MINUTE, MB64);
        SegmentFile segment = camera.snapshot().get(0);
        long framesBefore = Files.size(segment.frames);
        long indexBefore = Files.size(segment.index);
        // the frames' write, then the index's write after the frames went in
        for (int n = 1; n <= 2; n++) {
            disk.failWrite(n);
            int failing = n;
            assertThatThrownBy(() -> camera.append(List.of(image(10 + failing, T.plusSeconds(1), 2000)), MINUTE, MB64))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("No space left");
            assertThat(Files.size(segment.frames)).as("frames after failing write %d", n).isEqualTo(framesBefore);
            assertThat(Files.size(segment.index)).as("index after failing write %d", n).isEqualTo(indexBefore);
            assertThat(segment.count).isEqualTo(1);
            disk.heal();
        }
        camera.append(List.of(image(2, T.plusSeconds(2), 3000)), MINUTE, MB64);
        catalog.close();
        Catalog recovered = catalog(root, FileOpener.DEFAULT);
        assertThat(recover(recovered)[0]).isZero();
        assertThat(all(reader(recovered))).extracting(RecordedFrame::bytes).containsExactly(1000, 3000);
    }

    @Test
    void aDurableRecordWaitsForTheForceAndFailsWhenItFails() throws Exception {
        FailingChannel.Opener disk = new FailingChannel.Opener();
        Path root = this.dir.resolve("recording");
        Catalog catalog = catalog(root, disk);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DiskHealth health = new DiskHealth(registry);
        try (GroupCommit<FileChannel> commit = new GroupCommit<>("commit", Duration.ofMillis(200),
                Duration.ofSeconds(5), (files, failed) -> {
                    for (FileChannel file : files) {
                        try {
                            file.force(false);
                        }
                        catch (IOException ex) {
                            failed.failed(file, ex);
                        }
                    }
                }, new GroupCommit.Outcome() {

                    @Override
                    public void succeeded() {
                        health.succeeded();
                    }

                    @Override
                    public void failed(IOException why) {
                        health.failed(why);
                    }

                    @Override
                    public void stopped(IOException why) {
                        health.stopped(why);
                    }

                })) {
            FileRecordingReader reader = new FileRecordingReader(catalog, settings(), CameraKey.IP,
                    JsonMapper.builder().build());
            FileRecorder recorder = new FileRecorder(catalog, settings(), CameraKey.IP, JsonMapper.builder().build(),
                    commit, health, registry.counter("frames"), registry.counter("refused"), () -> {
                    }, reader);
            recorder.recordDurably(image(1, T, 100));
            assertThat(health.failing()).isFalse();
            disk.failForce(1);
            assertThatThrownBy(() -> recorder.recordDurably(image(2, T.plusMillis(1), 100)))
                .isInstanceOf(UncheckedIOException.class);
            assertThat(health.failing()).isTrue();
            disk.heal();
            recorder.recordDurably(image(3, T.plusMillis(2), 100));
            assertThat(health.failing()).isFalse();
            disk.failWrite(1);
            assertThatThrownBy(() -> recorder.recordDurably(image(4, T.plusMillis(3), 100)))
                .isInstanceOf(UncheckedIOException.class);
            disk.heal();
            assertThat(all(reader)).as("the refused append left nothing behind").hasSize(3);
        }
    }

    @Test
    void framesReceivedInOneMicrosecondArePagedOnceEachAndInOrder() throws IOException {
        Catalog catalog = catalog(this.dir.resolve("recording"), FileOpener.DEFAULT);
        CameraSegments camera = catalog.admit(CAMERA);
        List<ReceivedImage> images = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            images.add(image(i + 1, T, 50 + i));
        }
        images.add(image(11, T.plusMillis(1), 70));
        camera.append(images.subList(0, 4), MINUTE, MB64);
        camera.append(images.subList(4, 11), MINUTE, MB64);
        FileRecordingReader reader = reader(catalog);
        List<RecordedFrame> paged = new ArrayList<>();
        for (List<RecordedFrame> page : reader.pages(CAMERA, Instant.EPOCH, T.plusSeconds(1), 3)) {
            assertThat(page.size()).isBetween(1, 3);
            paged.addAll(page);
        }
        assertThat(paged).extracting(RecordedFrame::bytes).containsExactly(50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 70);
        long t = IndexTimes.micros(T);
        for (int i = 0; i < 10; i++) {
            assertThat(IndexTimes.micros(paged.get(i).receivedAt())).isEqualTo(t + i);
        }
        assertThat(reader.frameAt(CAMERA, T).orElseThrow().bytes()).isEqualTo(50);
        assertThat(reader.frameAt(CAMERA, IndexTimes.instant(t + 9)).orElseThrow().bytes()).isEqualTo(59);
        assertThat(reader.frameAt(CAMERA, T.minusNanos(1000))).isEmpty();
        // and after a restart, the same times
        catalog.close();
        Catalog recovered = catalog(this.dir.resolve("recording"), FileOpener.DEFAULT);
        recover(recovered);
        assertThat(all(reader(recovered))).extracting(RecordedFrame::receivedAt)
            .containsExactlyElementsOf(paged.stream().map(RecordedFrame::receivedAt).toList());
    }

    @Test
    void listsAreFoundByRangeAndByInstantWhateverHowLongTheirFileStayedOpen() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        Catalog catalog = catalog(this.dir.resolve("recording"), FileOpener.DEFAULT);
        CameraSegments camera = catalog.admit(CAMERA);
        List<ReceivedList> sent = new ArrayList<>();
        long t = IndexTimes.micros(T);
        Random random = new Random(7);
        // three files: one kept open 2.5 minutes (three times the segment duration), one
        // closed on time, one still open; lists a few seconds apart, some in one
        // microsecond
        long at = t;
        for (int i = 0; i < 120; i++) {
            at += i % 10 == 3 ? 0 : random.nextInt(3_000_000);
            ReceivedList list = new ReceivedList(i + 1, CAMERA + ":6000", IndexTimes.instant(at).plusNanos(i % 3), 12,
                    json.readTree("[" + i + ", 7]"));
            camera.appendLists(List.of((json.writeValueAsString(list) + "\n").getBytes(StandardCharsets.UTF_8)),
                    IndexTimes.micros(list.receivedAt()));
            sent.add(list);
            if (i == 60 || i == 90) {
                camera.finishIfOlder(at, 0);
            }
        }
        FileRecordingReader reader = reader(catalog);
        assertThat(Files.list(camera.listsDir).count()).isEqualTo(3);
        long last = IndexTimes.micros(sent.get(sent.size() - 1).receivedAt());
        for (int n = 0; n < 300; n++) {
            Instant from = IndexTimes.instant(t - 1_000_000 + random.nextLong(last - t + 2_000_000))
                .plusNanos(random.nextInt(1000));
            Instant to = from.plusNanos(1 + random.nextLong(90_000_000_000L));
            List<ReceivedList> read = new ArrayList<>();
            reader.lists(CAMERA, from, to, read::add);
            assertThat(read).as("the lists in [%s, %s)", from, to)
                .containsExactlyElementsOf(sent.stream()
                    .filter(list -> !list.receivedAt().isBefore(from) && list.receivedAt().isBefore(to))
                    .toList());
            assertThat(reader.listAt(CAMERA, from)).as("the list at %s", from)
                .isEqualTo(sent.stream().filter(list -> !list.receivedAt().isAfter(from)).reduce((x, y) -> y));
        }
    }

    private static FileRecordingReader reader(Catalog catalog) {
        return new FileRecordingReader(catalog, settings(), CameraKey.IP, JsonMapper.builder().build());
    }

    /** A frame's record on disk: header, text and image. */
    private static final class FrameRecordSize {

        static long of(ReceivedImage image) {
            return dev.udpimage.recording.format.FrameRecord.header(image.metadata(), image.original()).remaining()
                    + (long) image.original().length;
        }

    }

}
