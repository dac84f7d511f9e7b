package dev.udpimage.recording.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.udpimage.store.ImageMetadata;

/**
 * The recording's one format, below any file or object: records read back as written,
 * their CRC refusing any changed byte, a scan keeping exactly the whole records of a
 * segment cut at any offset, index entries, times and the floor search.
 */
class SegmentFormatTest {

    private static final Instant T = Instant.parse("2026-12-06T10:42:00.123456789Z");

    private static ImageMetadata metadata(long id, Instant at, int bytes) {
        return new ImageMetadata(id, "127.0.0.1:5000", at, bytes, 3, 640, 480, "jpeg", "chunked", 1.5);
    }

    private static byte[] image(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A segment of records, and where each starts. */
    private record Segment(byte[] bytes, List<Long> starts) {
    }

    private static Segment segment(List<ImageMetadata> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Long> starts = new ArrayList<>();
        for (ImageMetadata frame : frames) {
            starts.add((long) out.size());
            byte[] image = image(frame.bytes(), (int) frame.id());
            ByteBuffer header = FrameRecord.header(frame, image);
            out.write(header.array(), 0, header.remaining());
            out.write(image, 0, image.length);
        }
        return new Segment(out.toByteArray(), starts);
    }

    @Test
    void aRecordReadsBackAsWrittenToTheNanosecond() throws IOException {
        ImageMetadata frame = metadata(7, T, 300);
        Segment segment = segment(List.of(frame));
        FrameRecord.Read read = FrameRecord.read(Source.of(segment.bytes()), 0, segment.bytes().length);
        assertThat(read.metadata()).isEqualTo(frame);
        assertThat(read.image()).isEqualTo(image(300, 7));
        assertThat(read.end()).isEqualTo(segment.bytes().length);
        assertThat(read.headerLength()).isEqualTo(read.imageOffset());
    }

    @Test
    void theCrcRefusesAnyChangedByte() throws IOException {
        Segment segment = segment(List.of(metadata(1, T, 64)));
        for (int i = 0; i < segment.bytes().length; i++) {
            byte[] damaged = segment.bytes().clone();
            damaged[i] ^= 0x01;
            assertThat(FrameRecord.read(Source.of(damaged), 0, damaged.length)).as("byte %d changed", i).isNull();
        }
    }

    @Test
    void aSegmentCutAtAnyOffsetOfItsLastRecordKeepsExactlyTheRecordsBefore() throws IOException {
        List<ImageMetadata> frames = List.of(metadata(1, T, 100), metadata(2, T.plusMillis(40), 2000),
                metadata(3, T.plusMillis(80), 500));
        Segment segment = segment(frames);
        long lastStart = segment.starts().get(2);
        for (long cut = lastStart; cut < segment.bytes().length; cut++) {
            byte[] torn = Arrays.copyOf(segment.bytes(), (int) cut);
            SegmentScan.Scanned scanned = SegmentScan.scan(Source.of(torn), IndexTimes.NONE);
            assertThat(scanned.entries()).as("cut at %d", cut).hasSize(2);
            assertThat(scanned.end()).isEqualTo(lastStart);
            assertThat(scanned.tornBytes()).isEqualTo(cut - lastStart);
        }
        SegmentScan.Scanned whole = SegmentScan.scan(Source.of(segment.bytes()), IndexTimes.NONE);
        assertThat(whole.entries()).hasSize(3);
        assertThat(whole.tornBytes()).isZero();
        for (int i = 0; i < 3; i++) {
            IndexEntry entry = whole.entries().get(i);
            assertThat(entry.recordStart()).isEqualTo(segment.starts().get(i));
            assertThat(entry.length()).isEqualTo(frames.get(i).bytes());
            assertThat(Arrays.copyOfRange(segment.bytes(), (int) entry.imageOffset(), (int) entry.end()))
                .isEqualTo(image(frames.get(i).bytes(), i + 1));
        }
    }

    @Test
    void framesInOneMicrosecondOrOutOfOrderGetTimesOfTheirOwnInOrder() throws IOException {
        Segment segment = segment(List.of(metadata(1, T, 10), metadata(2, T, 10), metadata(3, T.minusSeconds(1), 10),
                metadata(4, T.plusSeconds(1), 10)));
        long t = IndexTimes.micros(T);
        assertThat(SegmentScan.scan(Source.of(segment.bytes()), IndexTimes.NONE).entries())
            .extracting(IndexEntry::micros)
            .containsExactly(t, t + 1, t + 2, t + 1_000_000);
        // after the camera's previous segment
        assertThat(SegmentScan.scan(Source.of(segment.bytes()), t + 5).entries()).extracting(IndexEntry::micros)
            .containsExactly(t + 6, t + 7, t + 8, t + 1_000_000);
    }

    @Test
    void indexEntriesAreFixed32ByteRecordsThatRoundTrip() {
        List<IndexEntry> entries = List.of(new IndexEntry(1, 52 + 30, 1000, 640, 480, "jpeg", 52 + 30),
                new IndexEntry(2, 5000, 7, 1, 1, "png", 0), new IndexEntry(3, 6000, 9, 2, 2, "other", 60));
        byte[] encoded = IndexEntry.encode(entries);
        assertThat(encoded).hasSize(3 * IndexEntry.BYTES);
        assertThat(IndexEntry.decode(encoded)).isEqualTo(entries);
        assertThat(entries.get(1).recordStart()).as("not noted").isEqualTo(-1);
        assertThat(entries.get(0).recordStart()).isZero();
        assertThatThrownBy(() -> IndexEntry.decode(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        ImageMetadata odd = new ImageMetadata(1, "a", T, 1, 1, 1, 1, "webp", "whole", 0);
        assertThat(IndexEntry.of(1, 0, 60, odd).format()).isEqualTo("other");
    }

    @Test
    void theFloorIsTheLastTimeAtOrBefore() throws IOException {
        long[] times = { 10, 20, 30, 40 };
        assertThat(IndexSearch.floor(times.length, i -> times[(int) i], 5)).isEqualTo(-1);
        assertThat(IndexSearch.floor(times.length, i -> times[(int) i], 10)).isZero();
        assertThat(IndexSearch.floor(times.length, i -> times[(int) i], 29)).isEqualTo(1);
        assertThat(IndexSearch.floor(times.length, i -> times[(int) i], 30)).isEqualTo(2);
        assertThat(IndexSearch.floor(times.length, i -> times[(int) i], 1000)).isEqualTo(3);
        assertThat(IndexSearch.floor(0, i -> 0, 1000)).isEqualTo(-1);
    }

    @Test
    void timesConvertToTheMicrosecondAndTheNextPageStartsJustAfter() {
        long micros = IndexTimes.micros(T);
        assertThat(IndexTimes.instant(micros)).isEqualTo(Instant.parse("2026-12-06T10:42:00.123456Z"));
        assertThat(IndexTimes.micros(IndexTimes.after(IndexTimes.instant(micros)))).isEqualTo(micros + 1);
        assertThat(IndexTimes.instantOfNanos(IndexTimes.nanos(T))).isEqualTo(T);
        assertThat(IndexTimes.next(IndexTimes.NONE, 5)).isEqualTo(5);
        assertThat(IndexTimes.next(5, 5)).isEqualTo(6);
        assertThat(IndexTimes.next(5, 9)).isEqualTo(9);
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999Z");
        assertThat(IndexTimes.instant(IndexTimes.micros(beforeEpoch))).isEqualTo(beforeEpoch);
    }

}
