package dev.udpimage.store.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.LocalPostgres;
import dev.udpimage.support.LocalS3;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;
import dev.udpimage.udp.ReceiverPorts;

/**
 * The cluster backend against a real PostgreSQL and a real S3-compatible server (S3Mock):
 * an acknowledged image is committed with its SHA-256 and its bytes in its row; a second
 * instance on the same store serves it byte for byte, and the first serves what the
 * second received; a camera's frames, whoever received them, are sealed into one object
 * that both instances' recordings read; the history holds cluster-wide; the sweeper
 * removes objects no row names.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("cluster")
class ClusterStoreIT extends ServiceTestSupport {

    private static final String BUCKET = "udp-images-" + UUID.randomUUID();

    private static final int HISTORY = 5;

    private static ConfigurableApplicationContext second;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectStore objects;

    @Autowired
    OrphanSweeper sweeper;

    @Autowired
    SegmentSealer sealer;

    @Autowired
    ClusterRetention retention;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        LocalPostgres postgres = LocalPostgres.get();
        LocalS3 s3 = LocalS3.get();
        properties(postgres, s3, "a").forEach((name, value) -> registry.add(name, () -> value));
    }

    private static java.util.Map<String, String> properties(LocalPostgres postgres, LocalS3 s3, String instance) {
        return java.util.Map.ofEntries(java.util.Map.entry("spring.datasource.url", postgres.jdbcUrl()),
                java.util.Map.entry("udp.store.s3.endpoint", s3.endpoint()),
                java.util.Map.entry("udp.store.s3.bucket", BUCKET), java.util.Map.entry("udp.store.instance", instance),
                java.util.Map.entry("udp.store.history", String.valueOf(HISTORY)),
                java.util.Map.entry("udp.store.sweep-grace", "0s"), java.util.Map.entry("udp.image-port", "0"),
                java.util.Map.entry("udp.list-port", "0"), java.util.Map.entry("udp.bind-address", "127.0.0.1"),
                // a camera with a byte bound of its own, smaller than one of its frames
                java.util.Map.entry("udp.recording.cameras[127.0.0.42].max-bytes", "1KB"),
                // retention only when a test asks
                java.util.Map.entry("udp.recording.retention-interval", "1h"));
    }

    @BeforeAll
    static void secondInstance() throws Exception {
        Commands.require(LocalPostgres.available(), "no PostgreSQL server (apt-get install postgresql); CI has one");
        SpringApplicationBuilder builder = new SpringApplicationBuilder(UdpImageServiceApplication.class)
            .profiles("cluster");
        List<String> args = properties(LocalPostgres.get(), LocalS3.get(), "b").entrySet()
            .stream()
            .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
            .collect(java.util.stream.Collectors.toList());
        args.add("--server.port=0");
        second = builder.run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    private static Http secondHttp() {
        return new Http(((WebServerApplicationContext) second).getWebServer().getPort());
    }

    @Test
    void anAcknowledgedImageIsCommittedWithItsObjectAndEveryInstanceServesIt() {
        byte[] jpeg = TestImages.mediumJpeg(901);
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            client.sendChunked(jpeg);
            assertThat(client.reply()).isEqualTo("get message!!!");
        }
        // at the reply, the row is committed with its bytes: no object is written per
        // image
        var row = this.jdbc.sql("select id, data, sha256, instance from image order by id desc limit 1")
            .query((rs, n) -> new Object[] { rs.getLong(1), rs.getBytes(2), rs.getBytes(3), rs.getString(4) })
            .single();
        long id = (Long) row[0];
        assertThat((byte[]) row[2]).isEqualTo(ClusterStore.sha256(jpeg));
        assertThat(row[3]).isEqualTo("a");
        assertThat((byte[]) row[1]).isEqualTo(jpeg);
        assertThat(this.objects.keysOlderThan("images/", java.time.Instant.now().plusSeconds(60))).isEmpty();

        Http.Response fromSecond = secondHttp().get("/received/images/" + id + "/original");
        assertThat(fromSecond.status()).isEqualTo(200);
        assertThat(fromSecond.body()).isEqualTo(jpeg);
        assertThat(secondHttp().get("/received/images").text()).isEqualTo(http().get("/received/images").text());
    }

    @Test
    void whatTheSecondInstanceReceivesTheFirstServes() {
        ReceiverPorts secondPorts = second.getBean(ReceiverPorts.class);
        byte[] png = TestImages.encode(TestImages.photo(64, 48, 10, 902), "png");
        try (LegacyTestClient client = new LegacyTestClient(secondPorts.image())) {
            client.send(png);
            assertThat(client.reply()).isEqualTo("get message!!!");
        }
        try (LegacyTestClient client = new LegacyTestClient(secondPorts.list())) {
            client.send("[0, 0, 0, 902]");
            assertThat(client.reply()).isEqualTo("get the msg");
        }
        Http.Response latest = http().get("/received/images");
        long id = latest.json().get(0).get("id").asLong();
        assertThat(http().get("/received/images/" + id + "/original").body()).isEqualTo(png);
        assertThat(http().get("/received/lists/latest").json().get("value").toString()).isEqualTo("[0,0,0,902]");
        assertThat(this.jdbc.sql("select instance from list order by id desc limit 1").query(String.class).single())
            .isEqualTo("b");
    }

    @Test
    void theHistoryIsListedClusterWideAndRowsBeyondItGoOnceSealed() {
        for (int i = 0; i < HISTORY + 3; i++) {
            LegacyTestClient client = new LegacyTestClient(
                    i % 2 == 0 ? this.ports.image() : second.getBean(ReceiverPorts.class).image());
            try (client) {
                client.sendChunked(TestImages.smallJpeg(910 + i));
                assertThat(client.reply()).isEqualTo("get message!!!");
            }
        }
        assertThat(http().get("/received/images").json().size()).isEqualTo(HISTORY);
        assertThat(secondHttp().get("/received/images").text()).isEqualTo(http().get("/received/images").text());
        // held rows stay until sealed; the next save after sealing trims the history
        this.sealer.sealDue(java.time.Instant.now().plusSeconds(3600));
        try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
            client.sendChunked(TestImages.smallJpeg(919));
            assertThat(client.reply()).isEqualTo("get message!!!");
        }
        assertThat(this.jdbc.sql("select count(*) from image where segment_id is not null or data is null")
            .query(Long.class)
            .single()).isLessThanOrEqualTo(HISTORY);
        assertThat(http().get("/received/images").json().size()).isEqualTo(HISTORY);
    }

    @Test
    void aViewerOnOneInstanceSeesWhatAnotherReceivedWithinTwoSecondsEvenAfterItsListenConnectionIsKilled()
            throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/received/events"))
            .header("Accept", "text/event-stream")
            .build();
        HttpResponse<Stream<String>> page = client.send(request, HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> page.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        ReceiverPorts secondPorts = second.getBean(ReceiverPorts.class);
        try {
            for (int round = 0; round < 2; round++) {
                // the doorbell's connections die; the instances listen again
                if (round == 1) {
                    LocalPostgres.get()
                        .psql("select pg_terminate_backend(pid) from pg_stat_activity where query like 'LISTEN%'");
                }
                long sent = System.nanoTime();
                try (LegacyTestClient sender = new LegacyTestClient(secondPorts.image())) {
                    sender.sendChunked(TestImages.smallJpeg(930 + round));
                    assertThat(sender.reply()).isEqualTo("get message!!!");
                }
                long id = secondHttp().get("/received/images").json().get(0).get("id").asLong();
                String data = nextImageEvent(lines, id, sent + TimeUnit.SECONDS.toNanos(2));
                assertThat(data).as("round " + round + ": the event of image " + id + " within 2 s").isNotNull();
                System.out.printf("round %d: image %d from instance b reached a viewer of a in %.0f ms%n", round, id,
                        (System.nanoTime() - sent) / 1e6);
            }
        }
        finally {
            page.body().close();
        }
    }

    /** The data of the image event with that id, if it comes before the deadline. */
    private static String nextImageEvent(BlockingQueue<String> lines, long id, long deadline)
            throws InterruptedException {
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line != null && line.startsWith("data:") && line.contains("\"id\":" + id + ",")) {
                return line;
            }
        }
        return null;
    }

    @Test
    void aCamerasFramesFromBothInstancesAreSealedIntoOneObjectThatBothRecordingsRead() throws Exception {
        java.net.InetAddress camera = java.net.InetAddress.getByName("127.0.0.31");
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] jpeg = TestImages.smallJpeg(930 + i);
            int port = (i < 10) ? this.ports.image() : second.getBean(ReceiverPorts.class).image();
            try (LegacyTestClient client = new LegacyTestClient(camera, port)) {
                client.sendChunked(jpeg);
                assertThat(client.reply()).isEqualTo("get message!!!");
            }
            sent.add(TestImages.sha256(jpeg));
        }
        // held in PostgreSQL: listed already, before any object is written
        assertThat(frameHashes(secondHttp(), "127.0.0.31")).isEqualTo(sent);
        assertThat(this.sealer.sealDue(java.time.Instant.now().plusSeconds(3600))).isGreaterThanOrEqualTo(1);
        List<String> segments = this.objects.keysOlderThan("segments/127.0.0.31/",
                java.time.Instant.now().plusSeconds(60));
        assertThat(segments).as("one object for the camera's 20 frames").hasSize(1);
        assertThat(this.jdbc.sql("select count(*) from image where camera = '127.0.0.31' and data is not null")
            .query(Long.class)
            .single()).as("rows let go of their bytes").isZero();
        for (Http http : List.of(http(), secondHttp())) {
            assertThat(frameHashes(http, "127.0.0.31")).as("the sealed recording, frame by frame").isEqualTo(sent);
            JsonNode cameras = http.get("/recordings").json();
            JsonNode entry = null;
            for (JsonNode one : cameras) {
                entry = "127.0.0.31".equals(one.get("sender").asString()) ? one : entry;
            }
            assertThat(entry).isNotNull();
            assertThat(entry.get("frames").asLong()).isEqualTo(20);
            assertThat(entry.get("segments").asInt()).isEqualTo(1);
        }
    }

    @Test
    void retentionDeletesWholeSegmentsAndTheirObjectsClusterWide() throws Exception {
        for (String address : List.of("127.0.0.42", "127.0.0.43")) {
            try (LegacyTestClient client = new LegacyTestClient(java.net.InetAddress.getByName(address),
                    second.getBean(ReceiverPorts.class).image())) {
                client.sendChunked(TestImages.smallJpeg(address.hashCode()));
                assertThat(client.reply()).isEqualTo("get message!!!");
            }
        }
        this.sealer.sealDue(java.time.Instant.now().plusSeconds(3600));
        java.time.Instant later = java.time.Instant.now().plusSeconds(60);
        assertThat(this.objects.keysOlderThan("segments/127.0.0.42/", later)).hasSize(1);
        // 127.0.0.42's own bound (1 KB) is smaller than its one segment
        List<String> deleted = this.retention.enforce(java.time.Instant.now());
        assertThat(deleted).anyMatch(key -> key.startsWith("segments/127.0.0.42/"))
            .noneMatch(key -> key.startsWith("segments/127.0.0.43/"));
        assertThat(this.registry.get("udp.recording.segments.deleted").tag("reason", "camera-bytes").counter().count())
            .isGreaterThanOrEqualTo(1);
        assertThat(this.objects.keysOlderThan("segments/127.0.0.42/", later)).isEmpty();
        assertThat(secondHttp().get("/recordings/frames?sender=127.0.0.42").json().size()).isZero();
        assertThat(http().get("/recordings/frames?sender=127.0.0.43").json().size()).isEqualTo(1);
        // eight days on, everything sealed is past the 7-day age bound
        this.retention.enforce(java.time.Instant.now().plus(java.time.Duration.ofDays(8)));
        assertThat(this.objects.keysOlderThan("segments/127.0.0.43/", later)).isEmpty();
        assertThat(this.jdbc.sql("select count(*) from segment").query(Long.class).single()).isZero();
        assertThat(http().get("/recordings/frames?sender=127.0.0.43").json().size()).isZero();
    }

    /** A camera's recorded frames, each read by its time, as SHA-256s. */
    private static List<String> frameHashes(Http http, String camera) {
        List<String> hashes = new java.util.ArrayList<>();
        for (JsonNode frame : http.get("/recordings/frames?sender=" + camera + "&limit=1000").json()) {
            Http.Response bytes = http
                .get("/recordings/frame?sender=" + camera + "&at=" + frame.get("receivedAt").asString());
            assertThat(bytes.status()).isEqualTo(200);
            hashes.add(TestImages.sha256(bytes.body()));
        }
        return hashes;
    }

    @Test
    void theSweeperDeletesObjectsThatNoRowNames() throws IOException {
        this.objects.put("images/orphan-of-a-crash", new byte[] { 1, 2, 3 }, "image/jpeg");
        this.objects.put("segments/127.0.0.1/orphan-of-a-crash", new byte[] { 1, 2, 3 }, "application/octet-stream");
        this.sealer.sealDue(java.time.Instant.now().plusSeconds(3600));
        List<String> named = this.jdbc.sql("select object_key from segment").query(String.class).list();
        assertThat(this.sweeper.sweep()).isGreaterThanOrEqualTo(2);
        assertThat(this.objects.keysOlderThan("images/", java.time.Instant.now().plusSeconds(60))).isEmpty();
        List<String> left = this.objects.keysOlderThan("segments/", java.time.Instant.now().plusSeconds(60));
        assertThat(left).doesNotContain("segments/127.0.0.1/orphan-of-a-crash").containsAll(named);
    }

}
