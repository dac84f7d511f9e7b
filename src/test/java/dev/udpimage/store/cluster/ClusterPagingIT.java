package dev.udpimage.store.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.recording.format.IndexEntry;
import dev.udpimage.recording.format.SegmentScan;
import dev.udpimage.recording.format.Source;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.CameraKey;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LocalClusterStore;
import dev.udpimage.support.LocalPostgres;
import dev.udpimage.support.ServiceTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The paging rule on the cluster backend, against PostgreSQL and S3Mock: frames held in
 * PostgreSQL that were received in one microsecond are each listed once, at a time of
 * their own, page after page; their listed times and bytes do not change when their
 * segment is sealed; and the sealed object is the recording's own format, its index
 * rebuilt from the object alone equal to the one PostgreSQL holds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("cluster")
class ClusterPagingIT extends ServiceTestSupport {

    private static final String CAMERA = "127.0.0.77";

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @Autowired
    ClusterStore store;

    @Autowired
    RecordingReader recording;

    @Autowired
    SegmentSealer sealer;

    @Autowired
    ObjectStore objects;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CameraKey cameras;

    @BeforeAll
    static void requireServers() {
        Commands.require(LocalPostgres.available(), "no PostgreSQL server (apt-get install postgresql); CI has one");
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        // sealing only when the test asks
        LocalClusterStore.register(registry,
                Map.of("udp.recording.seal-interval", "1h", "udp.recording.retention-interval", "1h"));
    }

    private static byte[] bytes(int seed) {
        byte[] bytes = new byte[100 + seed];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Every page of /recordings/frames, followed by its Link headers. */
    private List<JsonNode> paged(int limit) {
        List<JsonNode> frames = new ArrayList<>();
        String next = "/recordings/frames?sender=" + CAMERA + "&limit=" + limit;
        int pages = 0;
        while (next != null) {
            Http.Response page = http().get(next);
            assertThat(page.status()).isEqualTo(200);
            page.json().forEach(frames::add);
            String link = page.header("Link");
            Matcher matcher = link == null ? null : NEXT.matcher(link);
            next = matcher != null && matcher.find() ? matcher.group(1) : null;
            assertThat(++pages).as("pages").isLessThan(100);
        }
        return frames;
    }

    private byte[] frameAt(String time) {
        return http()
            .get("/recordings/frame?sender=" + CAMERA + "&at=" + URLEncoder.encode(time, StandardCharsets.UTF_8))
            .body();
    }

    @Test
    void framesHeldInOneMicrosecondArePagedOnceEachAndKeepTheirTimesWhenSealed() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            Instant at = i < 10 ? t : t.plusMillis(1);
            byte[] image = bytes(i);
            this.store.saveImage(new ImageMetadata(0, CAMERA + ":5000", at, image.length, 2, 8, 8, "jpeg", "whole", 0),
                    image);
            sent.add(image);
        }
        List<JsonNode> held = paged(3);
        assertThat(held).as("every held frame, once, across pages of 3").hasSize(11);
        List<String> times = held.stream().map(frame -> frame.get("receivedAt").asString()).toList();
        // as instants: an ISO string drops a time's trailing zeros (".572Z" after
        // ".571999Z")
        assertThat(times.stream().map(Instant::parse).toList()).doesNotHaveDuplicates().isSorted();
        for (int i = 0; i < times.size(); i++) {
            assertThat(frameAt(times.get(i))).as("the frame listed at %s", times.get(i)).isEqualTo(sent.get(i));
        }

        assertThat(this.sealer.seal(CAMERA)).isTrue();
        List<JsonNode> sealed = paged(4);
        assertThat(sealed).as("listed as before, now from the sealed segment").isEqualTo(held);
        for (int i = 0; i < times.size(); i++) {
            assertThat(frameAt(times.get(i))).as("the frame at %s, sealed", times.get(i)).isEqualTo(sent.get(i));
        }
    }

    /**
     * An export lists a page of frames, then reads their bytes: a frame held when listed
     * may be sealed before it is read, and its row trimmed from the history (the default
     * history is 100 items). It is read from its segment, not skipped.
     */
    @Test
    void aFrameListedWhileHeldIsReadAfterItsSegmentIsSealedAndItsRowTrimmed() {
        String camera = "127.0.0.79";
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] image = bytes(40 + i);
            this.store.saveImage(
                    new ImageMetadata(0, camera + ":7000", t.plusMillis(i), image.length, 2, 8, 8, "jpeg", "whole", 0),
                    image);
            sent.add(image);
        }
        List<RecordedFrame> listed = this.recording.frames(camera, Instant.EPOCH, Instant.now().plusSeconds(1), 10);
        assertThat(listed).hasSize(5);
        assertThat(this.sealer.seal(camera)).isTrue();
        // what the history lets go of once sealed, as if 100 newer items had come
        this.jdbc.sql("delete from image where sender like ?").param(camera + ":%").update();
        for (int i = 0; i < 5; i++) {
            assertThat(this.recording.read(listed.get(i))).as("frame %d, listed while held", i).isEqualTo(sent.get(i));
        }
    }

    /**
     * A range of lists is read page by page from PostgreSQL: every list once, in order,
     * also where lists that share one microsecond straddle a page's end.
     */
    @Test
    void aRangeOfListsLongerThanAPageIsReadWholeInOrder() {
        String camera = "127.0.0.78";
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int page = ClusterRecording.LIST_PAGE;
        int count = page * 2 + 500;
        // the rows as the store writes them, in one statement (2 500 saves through the
        // store take half a minute here): list i at t + i microseconds, but the ten
        // around each page's end in one microsecond
        String sender = camera + ":6000";
        this.jdbc.sql("""
                insert into list (sender, camera, received_at, bytes, value, sha256, instance)
                select ?, ?, ? + make_interval(secs => (case when e > 0 and i >= e - 5 and i < e + 5
                        then e - 5 else i end) / 1000000.0), 8, json_build_array(i),
                    sha256(convert_to(i::text, 'UTF8')), 'test'
                from generate_series(0, ? - 1) as i, lateral (select (i + 5) / ? * ? as e) ends
                order by i""")
            .params(sender, this.cameras.cameraOf(sender), OffsetDateTime.ofInstant(t, ZoneOffset.UTC), count, page,
                    page)
            .update();
        List<Integer> read = new ArrayList<>();
        long total = this.recording.lists(camera, t, t.plusSeconds(1), list -> read.add(list.value().get(0).asInt()));
        assertThat(total).isEqualTo(count);
        assertThat(read).as("every list once, in the order sent").hasSize(count).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aSealedObjectIsASegmentThatDescribesItself() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String camera = "127.0.0.78";
        for (int i = 0; i < 5; i++) {
            byte[] image = bytes(20 + i);
            this.store.saveImage(
                    new ImageMetadata(0, camera + ":6000", t.plusMillis(i), image.length, 3, 4, 4, "png", "chunked", 1),
                    image);
        }
        assertThat(this.sealer.seal(camera)).isTrue();
        record Row(String key, byte[] index) {
        }
        Row row = this.jdbc.sql("select object_key, index_entries from segment where camera = ?")
            .param(camera)
            .query((rs, n) -> new Row(rs.getString(1), rs.getBytes(2)))
            .single();
        byte[] object = this.objects.get(row.key());
        SegmentScan.Scanned scanned = SegmentScan.scan(Source.of(object), Long.MIN_VALUE);
        assertThat(scanned.tornBytes()).isZero();
        assertThat(scanned.entries()).isEqualTo(IndexEntry.decode(row.index()));
        assertThat(scanned.entries()).extracting(IndexEntry::format).containsOnly("png");
    }

}
