package dev.udpimage.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.udpimage.bench.NativeSender;
import dev.udpimage.bench.Row;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.MjpegViewer;
import dev.udpimage.support.MonitoringNames;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Three receivers behind the UDP load balancer on one PostgreSQL and one S3-compatible
 * store ({@code deploy/local-cluster.sh}): every legacy sender, Java or the Python
 * reference client, is answered, senders on this machine keep their own 127.x.y.z
 * addresses, every image and list is stored exactly once and served identically by every
 * instance, viewers see what any instance received (a camera sending to one plays on
 * another), and a receiver killed mid-run costs its senders at most the transfer in
 * flight.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSendersIT {

    private static final Path SEED_CLIENT = Path.of("clients/python/tutorial_client.py");

    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws IOException {
        Commands.require(LocalCluster.available(),
                "the cluster needs Debian's postgresql and nginx (CI installs them)");
        cluster = LocalCluster.up(Map.of("UDP_STORE_HISTORY", "5000", "UDP_STORE_MAX_BYTES", "2GB"));
    }

    @AfterAll
    static void down() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One sender's work: images or lists, each answered. */
    private record Sent(List<String> sha256s, List<String> replies) {
    }

    @Test
    @Order(1)
    void twentyConcurrentSendersAreAllAnsweredAndEveryItemIsStoredOnceAndServedByEveryInstance() throws Exception {
        // 10 + 3 + 2 Java senders, 2 native, 3 Python, and one of lists
        ExecutorService senders = Executors.newFixedThreadPool(21);
        List<Future<Sent>> images = new ArrayList<>();
        // the benchmark's native sender (sendmmsg, 32 datagrams a call), two of them
        Optional<NativeSender> fast = NativeSender.compile(Path.of("bench", "c"), Path.of("target"));
        assertThat(fast).as("gcc builds bench/c/legacy_sender.c").isPresent();
        byte[] nativeImage = TestImages.mediumJpeg(5650);
        List<Future<Row>> natives = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            // waiting up to 10 s, as a person would: one may wait behind the 9 MB image's
            // PUT
            natives.add(senders.submit(() -> fast.get()
                .withReplyTimeout(Duration.ofSeconds(10))
                .stopAndWait("native", "nginx",
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), LocalCluster.NGINX_IMAGES), nativeImage,
                        10)));
        }
        // chunked: small, an exact multiple of 1024 (trailing empty datagram), 200 KB
        for (int s = 0; s < 10; s++) {
            int sender = s;
            images.add(senders.submit(() -> sendImages(
                    sender, List.of(TestImages.smallJpeg(5000 + sender),
                            exactKilobytes(TestImages.smallJpeg(5100 + sender)), TestImages.mediumJpeg(5200 + sender)),
                    false)));
        }
        for (int s = 12; s < 15; s++) { // whole images, one datagram each, up to 60 KB
            int sender = s;
            images.add(senders.submit(() -> sendImages(sender,
                    List.of(TestImages.smallJpeg(5300 + sender),
                            fitted(TestImages.jpeg(TestImages.photo(400, 300, 20, 5400 + sender), 0.9f), 60_000)),
                    true)));
        }
        for (int s = 15; s < 17; s++) { // a 1.8 MB and a 9 MB image
            int sender = s;
            byte[] large = sender == 15 ? TestImages.jpeg(TestImages.photo(1920, 1440, 50, 5500), 0.92f)
                    : TestImages.jpeg(TestImages.photo(4000, 3000, 60, 5501), 0.92f);
            images.add(senders.submit(() -> sendImages(sender, List.of(large), false)));
        }
        List<Future<Sent>> lists = new ArrayList<>();
        lists.add(senders.submit(() -> sendLists(0, 20)));
        // the Python reference client, unchanged, three of them
        byte[] pythonImage = exactKilobytes(TestImages.mediumJpeg(5600));
        Path file = Files.createTempFile("cluster-seed-", ".jpg");
        Files.write(file, pythonImage);
        List<Future<String>> python = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            python.add(senders.submit(() -> runPython("image", file.toString(), "127.0.0.1",
                    String.valueOf(LocalCluster.NGINX_IMAGES), "5")));
        }

        Map<String, Integer> expected = new HashMap<>();
        for (Future<Sent> future : images) {
            Sent sent = future.get(5, TimeUnit.MINUTES);
            assertThat(sent.replies()).allMatch("get message!!!"::equals);
            sent.sha256s().forEach(sha -> expected.merge(sha, 1, Integer::sum));
        }
        for (Future<String> future : python) {
            assertThat(future.get(5, TimeUnit.MINUTES)).contains("reply=b'get message!!!' images=5");
        }
        expected.merge(TestImages.sha256(pythonImage), 15, Integer::sum);
        for (Future<Row> future : natives) {
            Row row = future.get(5, TimeUnit.MINUTES);
            assertThat(row.completed()).as("the native sender's images answered").isEqualTo(row.sent());
        }
        expected.merge(TestImages.sha256(nativeImage), 20, Integer::sum);
        Sent sentLists = lists.get(0).get(5, TimeUnit.MINUTES);
        assertThat(sentLists.replies()).allMatch("get the msg"::equals);
        senders.shutdown();
        Files.delete(file);

        // stored exactly once each, by all three receivers between them. The balancer
        // hashes a sender's address and port with a seed of its own, so 20 senders leave
        // one receiver out about once in a thousand runs by chance: then more senders,
        // one image each, until every receiver has stored some (one that stores nothing
        // still fails)
        Set<String> instances = storedBy();
        int more = 0;
        for (; !instances.containsAll(List.of("r1", "r2", "r3")) && more < 40; more++) {
            byte[] image = TestImages.smallJpeg(5700 + more);
            assertThat(sendImages(100 + more, List.of(image), true).replies()).containsExactly("get message!!!");
            expected.merge(TestImages.sha256(image), 1, Integer::sum);
            instances = storedBy();
        }
        System.out.printf("images stored by %s, %d senders added%n", new TreeSet<>(instances), more);
        Map<String, Integer> stored = new HashMap<>();
        for (String row : psql("select encode(sha256, 'hex') from image").split("\n")) {
            stored.merge(row, 1, Integer::sum);
        }
        assertThat(stored).isEqualTo(expected);
        assertThat(instances).containsExactlyInAnyOrder("r1", "r2", "r3");
        assertThat(psql("select count(*) from list")).isEqualTo("20");

        // every instance shows the same, and serves bytes another received
        String list = cluster.http(1).get("/received/images").text();
        assertThat(cluster.http(2).get("/received/images").text()).isEqualTo(list);
        assertThat(cluster.http(3).get("/received/images").text()).isEqualTo(list);
        assertThat(cluster.http(3).get("/received/lists").text())
            .isEqualTo(cluster.http(1).get("/received/lists").text());
        for (String row : psql("select id || ' ' || instance || ' ' || encode(sha256, 'hex') from image "
                + "where bytes > 1000000 or id % 7 = 0")
            .split("\n")) {
            String[] fields = row.split(" ");
            int other = fields[1].equals("r1") ? 2 : 1;
            byte[] original = cluster.http(other).get("/received/images/" + fields[0] + "/original").body();
            assertThat(TestImages.sha256(original)).as("image " + fields[0] + " from r" + other).isEqualTo(fields[2]);
        }
    }

    @Test
    @Order(2)
    void aViewerOfOneInstanceSeesWhatAnotherReceivedWithinTwoSecondsAlsoAfterItsListenConnectionDies()
            throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:18091/received/events"))
            .header("Accept", "text/event-stream")
            .header("Authorization", basic())
            .build();
        HttpResponse<Stream<String>> page = client.send(request, HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> page.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        try {
            for (int round = 0; round < 2; round++) {
                if (round == 1) {
                    psql("select pg_terminate_backend(pid) from pg_stat_activity where query like 'LISTEN%'");
                }
                long sent = System.nanoTime();
                // instance 3's own image port
                try (LegacyTestClient sender = new LegacyTestClient(19103)) {
                    sender.sendChunked(TestImages.smallJpeg(5700 + round));
                    assertThat(sender.reply()).isEqualTo("get message!!!");
                }
                String id = psql("select max(id) from image where instance = 'r3'");
                boolean seen = false;
                while (!seen && System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(2)) {
                    String line = lines.poll(100, TimeUnit.MILLISECONDS);
                    seen = line != null && line.startsWith("data:") && line.contains("\"id\":" + id + ",");
                }
                assertThat(seen).as("round " + round + ": image " + id + " of r3 on r1's viewer within 2 s").isTrue();
                System.out.printf("round %d: r3's image reached r1's viewer in %.0f ms%n", round,
                        (System.nanoTime() - sent) / 1e6);
            }
        }
        finally {
            page.body().close();
        }
    }

    @Test
    @Order(3)
    void aCameraSendingToOneInstancePlaysOnAnother() throws Exception {
        int frames = 60;
        long pace = TimeUnit.MILLISECONDS.toNanos(50); // 20 fps
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            images.add(TestImages.smallJpeg(5800 + i));
        }
        List<String> sent = images.stream().map(TestImages::sha256).toList();
        // a camera of its own address, to r3's own image port; watched on r1
        InetAddress camera = InetAddress.getByName("127.0.0.9");
        MjpegViewer viewer = MjpegViewer.open(18091, "/received/stream.mjpeg?sender=127.0.0.9", basic());
        JsonNode midway = null;
        double achieved = 0;
        try (LegacyTestClient sender = new LegacyTestClient(camera, 19103)) {
            long start = System.nanoTime();
            long[] answered = new long[frames];
            for (int i = 0; i < frames; i++) {
                LockSupport.parkNanos(start + i * pace - System.nanoTime());
                sender.sendChunked(images.get(i));
                assertThat(sender.reply()).isEqualTo("get message!!!");
                answered[i] = System.nanoTime();
                if (i == frames * 3 / 4) {
                    midway = stream(cluster.http(1).get("/received/streams").json(), "127.0.0.9");
                    // what the camera achieved in the two seconds r1 measures over: a
                    // stop-and-wait sender sends slower than 20 a second when a reply
                    // takes over 50 ms
                    int from = i;
                    while (from > 0 && answered[i] - answered[from - 1] <= 2_000_000_000L) {
                        from--;
                    }
                    achieved = (i - from) / ((answered[i] - answered[from]) / 1e9);
                }
            }
        }
        String last = sent.get(frames - 1);
        boolean lastShown = viewer.awaitFrame(last, Duration.ofSeconds(2));
        List<String> shown = viewer.shown();
        viewer.close();
        System.out.printf("r3's camera on r1: %d of %d frames shown (%s); r1 said %s%n", shown.size(), frames,
                shown.stream().map(sent::indexOf).toList(), midway);
        assertThat(midway).as("r1 lists the camera r3 receives").isNotNull();
        assertThat(midway.get("active").asBoolean()).isTrue();
        assertThat(midway.get("fps").asDouble()).as("its rate on r1 (%.1f achieved)", achieved)
            .isBetween(achieved * 0.8, achieved * 1.2);
        assertThat(sent).as("every frame shown is one sent, as sent").containsAll(shown);
        assertThat(lastShown).as("the last frame shown within 2 s").isTrue();
        assertThat(shown.size()).as("frames shown of " + frames).isGreaterThanOrEqualTo(frames / 2);
        assertThat(TestImages.sha256(cluster.http(2).get("/received/stream.jpg?sender=127.0.0.9").body()))
            .as("r2's still image of the camera")
            .isEqualTo(last);
    }

    private static String basic() throws IOException {
        return "Basic "
                + Base64.getEncoder().encodeToString(("admin:" + cluster.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode stream(JsonNode streams, String sender) {
        for (JsonNode stream : streams) {
            if (sender.equals(stream.get("sender").asString())) {
                return stream;
            }
        }
        return null;
    }

    @Test
    @Order(7) // last: r2 stays down
    void aReceiverKilledMidRunCostsItsSendersAtMostTheTransferInFlight() throws Exception {
        int senders = 8;
        int each = 30;
        AtomicBoolean killed = new AtomicBoolean();
        Map<Integer, List<String>> acknowledged = new ConcurrentHashMap<>();
        Map<Integer, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            running.add(pool.submit(() -> {
                try (LegacyTestClient client = new LegacyTestClient(LocalCluster.NGINX_IMAGES)) {
                    for (int i = 0; i < each; i++) {
                        byte[] image = TestImages.smallJpeg(6000 + sender * 100 + i);
                        for (int attempt = 0;; attempt++) {
                            client.sendChunked(image);
                            String reply = client.reply(Duration.ofSeconds(2));
                            if ("get message!!!".equals(reply)) {
                                acknowledged.computeIfAbsent(sender, k -> new ArrayList<>())
                                    .add(TestImages.sha256(image));
                                break;
                            }
                            // the transfer in flight is lost; what the rest of its
                            // datagrams drew is stale
                            while (client.reply(Duration.ofMillis(300)) != null) {
                                // drained
                            }
                            if (attempt == 0) {
                                failures.merge(sender, 1, Integer::sum);
                            }
                            assertThat(attempt).as("sender " + sender + " retried image " + i).isLessThan(3);
                        }
                        if (i == each / 3 && sender == 0) {
                            cluster.kill(2);
                            killed.set(true);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(killed).isTrue();
        int lost = failures.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("killed r2 mid-run: %d of %d senders lost a transfer (%s)%n", failures.size(), senders,
                failures);
        assertThat(failures.values()).as("each sender loses at most the image in flight").allMatch(n -> n <= 1);
        // who lost one was hashed to r2: its first image, sent before the kill, is stored
        // by r2
        for (int sender : failures.keySet()) {
            assertThat(psql("select instance from image where encode(sha256, 'hex') = '"
                    + acknowledged.get(sender).get(0) + "'"))
                .as("sender " + sender + " lost a transfer")
                .isEqualTo("r2");
        }
        assertThat(lost).isLessThan(senders);
        Set<String> stored = new HashSet<>(Arrays.asList(psql("select encode(sha256, 'hex') from image").split("\n")));
        acknowledged.values()
            .forEach(shas -> assertThat(stored).as("every acknowledged image is kept").containsAll(shas));
        assertThat(acknowledged.values().stream().mapToInt(List::size).sum()).isEqualTo(senders * each);
    }

    @Test
    @Order(5)
    void aSenderOnThisMachineKeepsItsOwnAddressThroughTheBalancer() throws Exception {
        InetAddress camera = InetAddress.getByName("127.0.0.77");
        try (LegacyTestClient sender = new LegacyTestClient(camera, LocalCluster.NGINX_IMAGES)) {
            for (int i = 0; i < 3; i++) {
                sender.sendChunked(TestImages.smallJpeg(7700 + i));
                assertThat(sender.reply()).isEqualTo("get message!!!");
            }
        }
        for (int n = 1; n <= 3; n++) {
            Http http = cluster.http(n);
            // the instances that did not receive it learn of it from PostgreSQL's
            // notification
            await("r" + n + " lists the sender by its own address").atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
                JsonNode streams = http.get("/received/streams").json();
                assertThat(stream(streams, "127.0.0.77")).as(streams.toString()).isNotNull();
            });
            assertThat(cluster.http(n).get("/recordings/frames?sender=127.0.0.77").json().size())
                .as("r" + n + "'s recording of it")
                .isEqualTo(3);
        }
        assertThat(psql("select count(*) from image where sender like '127.0.0.77:%'")).isEqualTo("3");
    }

    /**
     * The cluster's side of {@code MonitoringIT}: every metric the alert rules and the
     * dashboard name is exported by an instance, but the file store's own; its readiness
     * includes PostgreSQL and object storage.
     */
    @Test
    @Order(6)
    void everyMetricTheRulesAndTheDashboardNameIsExportedAndReadinessHasTheSharedEngines() throws Exception {
        Set<String> named = MonitoringNames.named();
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(MonitoringNames.exported(cluster.http(1).get("/actuator/prometheus").text()));
        assertThat(missing).as("named but not exported by the cluster backend")
            .isEqualTo(new TreeSet<>(MonitoringNames.FILE_ONLY.stream().filter(named::contains).toList()));
        JsonNode readiness = cluster.http(1).get("/actuator/health/readiness").json();
        assertThat(readiness.get("status").asString()).isEqualTo("UP");
        assertThat(readiness.get("components").propertyNames()).as(readiness.toString())
            .containsExactlyInAnyOrder("readinessState", "db", "objectStore");
    }

    private static Set<String> storedBy() throws IOException, InterruptedException {
        return new HashSet<>(List.of(psql("select distinct instance from image").split("\n")));
    }

    private static Sent sendImages(int sender, List<byte[]> images, boolean whole) {
        List<String> shas = new ArrayList<>();
        List<String> replies = new ArrayList<>();
        try (LegacyTestClient client = new LegacyTestClient(LocalCluster.NGINX_IMAGES)) {
            for (byte[] image : images) {
                if (whole) {
                    client.send(image);
                }
                else {
                    client.sendChunked(image);
                }
                replies.add(client.reply(Duration.ofSeconds(30)));
                shas.add(TestImages.sha256(image));
            }
        }
        return new Sent(shas, replies);
    }

    private static Sent sendLists(int sender, int count) {
        List<String> replies = new ArrayList<>();
        try (LegacyTestClient client = new LegacyTestClient(LocalCluster.NGINX_LISTS)) {
            for (int i = 0; i < count; i++) {
                client.send("[" + sender + ", 0, 0, " + i + "]");
                replies.add(client.reply(Duration.ofSeconds(10)));
            }
        }
        return new Sent(List.of(), replies);
    }

    /**
     * The image with zero bytes after its end, to a multiple of 1024 bytes (image readers
     * ignore them).
     */
    private static byte[] exactKilobytes(byte[] image) {
        return Arrays.copyOf(image, (image.length / 1024 + 1) * 1024);
    }

    private static byte[] fitted(byte[] image, int max) {
        assertThat(image.length).as("a whole-mode image fits one datagram").isLessThanOrEqualTo(max);
        return image;
    }

    private static String runPython(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Commands.PYTHON.toString(), SEED_CLIENT.toString()));
        command.addAll(List.of(arguments));
        Commands.Result result = Commands.run(command, 300);
        assertThat(result.exit()).as(result.output()).isZero();
        return result.output();
    }

    private static String psql(String sql) throws IOException, InterruptedException {
        Commands.Result result = Commands.run(
                List.of("psql", "-h", "127.0.0.1", "-p", "15432", "-U", "udpimage", "-d", "udpimage", "-At", "-c", sql),
                30);
        assertThat(result.exit()).as(result.output()).isZero();
        return result.output().strip();
    }

}
