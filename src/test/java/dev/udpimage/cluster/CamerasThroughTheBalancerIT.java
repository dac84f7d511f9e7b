package dev.udpimage.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.udpimage.support.Commands;
import dev.udpimage.support.Ffmpeg;
import dev.udpimage.support.Http;
import dev.udpimage.support.TestHost;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Three cameras, each on a test host of its own (a network namespace with a 198.18.0.0/15
 * address), send 25 frames a second through the kernel's load balancer
 * ({@code deploy/udp-balancer.sh}) into three receivers
 * ({@code deploy/local-cluster.sh}): every instance names the cameras by their own
 * addresses, in its streams and in its recording; every acknowledged frame is in the
 * recording once, bytes identical, read from any instance; the bucket holds one object
 * per segment, not per frame; the Python reference client is answered. Then one receiver
 * is SIGKILLed and its working directory deleted while the cameras send: nothing
 * acknowledged is lost, and its cameras are answered by another receiver within 2 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CamerasThroughTheBalancerIT {

    private static final Path CAMERA = Path.of("src/test/python/camera.py").toAbsolutePath();

    private static final Path SEED_CLIENT = Path.of("clients/python/tutorial_client.py").toAbsolutePath();

    private static final Path STATE = Path.of("target", "cameras-cluster").toAbsolutePath();

    private static LocalCluster cluster;

    private static final List<TestHost> cameras = new ArrayList<>();

    /** What each camera had acknowledged, by its address. */
    private static final Map<String, Set<String>> acknowledged = new HashMap<>();

    @BeforeAll
    static void up() throws IOException {
        Commands.require(LocalCluster.available(),
                "the cluster needs Debian's postgresql and nginx (CI installs them)");
        Commands.require(TestHost.available() && Files.isExecutable(Path.of("/usr/sbin/nft")),
                "test hosts and the kernel's load balancer need root, iproute2 and nftables");
        Commands.require(Commands.hasPythonOpenCv(), "the cameras are Python with OpenCV (python3-opencv)");
        Ffmpeg.require();
        for (int c = 0; c < 3; c++) {
            TestHost host = TestHost.create();
            host.routeToLoopback();
            cameras.add(host);
        }
        cluster = LocalCluster.up(STATE,
                Map.of("UDP_CLUSTER_LB", "nftables", "UDP_ALLOWEDSENDERS", "127.0.0.0/8,198.18.0.0/15",
                        // segments of 5 s: each camera's 16 s make several, sealed while
                        // it sends
                        "UDP_RECORDING_SEGMENTDURATION", "5s"));
    }

    @AfterAll
    static void down() throws IOException {
        try {
            if (cluster != null) {
                cluster.close();
            }
        }
        finally {
            for (TestHost host : cameras) {
                host.close();
            }
        }
    }

    /** One camera's run: its answered and lost frames, in order. */
    private record Run(String camera, List<String> acked, List<Double> ackTimes, List<String> lost, String summary) {
    }

    @Test
    @Order(1)
    void threeCamerasAtTwentyFiveFramesASecondKeepTheirAddressesAndEveryAcknowledgedFrameIsRecordedOnce()
            throws Exception {
        // the Python reference client, unchanged, from each test host
        byte[] image = TestImages.mediumJpeg(7100);
        Path file = Files.createTempFile("cameras-seed-", ".jpg");
        Files.write(file, image);
        for (TestHost host : cameras) {
            Commands.Result seed = host.exec(Commands.PYTHON.toString(), SEED_CLIENT.toString(), "image",
                    file.toString(), host.hostAddress(), String.valueOf(LocalCluster.NGINX_IMAGES), "3");
            assertThat(seed.output()).as(host.address()).contains("reply=b'get message!!!' images=3");
        }
        // a box crosses every camera's picture from 5 s to 9 s: one motion event each
        int seconds = 16;
        List<Run> runs = runCameras(seconds, null, 5, 9);
        Set<String> addresses = new TreeSet<>();
        for (Run run : runs) {
            addresses.add(run.camera());
            System.out.printf("camera %s: %s, %d lost%n", run.camera(), run.summary(), run.lost().size());
            assertThat(run.acked().size()).as(run.camera() + " answered").isGreaterThan(seconds * 25 * 9 / 10);
        }
        for (int n = 1; n <= 3; n++) {
            Http http = cluster.http(n);
            assertThat(senders(http.get("/received/streams").json())).as("r" + n + "'s streams").isEqualTo(addresses);
            assertThat(senders(http.get("/recordings").json())).as("r" + n + "'s recordings").isEqualTo(addresses);
        }
        assertEveryAcknowledgedFrameRecordedOnce(0);
        assertOneEventPerCameraAlikeOnEveryInstance(addresses);

        long frames = 0;
        for (JsonNode camera : cluster.http(1).get("/recordings").json()) {
            frames += camera.get("frames").asLong();
        }
        List<String> objects = List.copyOf(cluster.objects().keySet());
        System.out.printf("bucket: %d objects for %d frames recorded%n", objects.size(), frames);
        // segments/<camera>/<segment>: the cameras' own addresses (198.18.0.0/15 includes
        // 198.19.x.y)
        assertThat(objects).as("segment objects only, each of one camera")
            .allMatch(key -> key.startsWith("segments/") && addresses.contains(key.split("/")[1]));
        // a 5 s segment of 25 fps holds 125 frames; each camera's last one may be short
        assertThat(objects.size()).as("objects per segment, not per frame: at least 50 frames an object")
            .isLessThanOrEqualTo((int) (frames / 50));
        assertThat(objects).as("sealed while the cameras sent").isNotEmpty();
        Files.delete(file);
    }

    @Test
    @Order(2)
    void aReceiverKilledWithItsStateDirectoryLosesNothingAcknowledgedAndItsCamerasMoveWithinTwoSeconds()
            throws Exception {
        int[] killed = new int[1];
        List<Run> runs = runCameras(10, () -> {
            // the receiver of the first camera, whichever the hash gave it this time
            String instance = psql("select instance from image where camera = '" + cameras.get(0).address()
                    + "' order by id desc limit 1");
            killed[0] = Integer.parseInt(instance.substring(1));
            cluster.kill(killed[0]);
            deleteRecursively(STATE.resolve("instance-" + killed[0]));
        });
        double worstGap = 0;
        for (Run run : runs) {
            double gap = 0;
            for (int i = 1; i < run.ackTimes().size(); i++) {
                gap = Math.max(gap, run.ackTimes().get(i) - run.ackTimes().get(i - 1));
            }
            worstGap = Math.max(worstGap, gap);
            System.out.printf("camera %s with r%d killed at 3 s: %s, %d lost, longest silence %.2f s%n", run.camera(),
                    killed[0], run.summary(), run.lost().size(), gap);
            assertThat(gap).as(run.camera() + ": longest time without an answer, in seconds").isLessThanOrEqualTo(2.0);
            assertThat(run.lost().size()).as(run.camera() + ": frames lost (2 s is 50)").isLessThanOrEqualTo(50);
        }
        assertThat(worstGap).as("the first camera was on the killed receiver, and moved").isGreaterThan(0.5);
        // read from the two that live: the killed one would only read the same tables
        assertEveryAcknowledgedFrameRecordedOnce(killed[0]);
    }

    /**
     * One event per camera's motion, whichever instance analysed it, and every instance
     * lists the same events.
     */
    private static void assertOneEventPerCameraAlikeOnEveryInstance(Set<String> addresses) throws Exception {
        JsonNode[] seen = new JsonNode[3];
        await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int n = 1; n <= 3; n++) {
                seen[n - 1] = cluster.http(n).get("/events?order=asc").json();
            }
            assertThat(seen[0]).as("events").hasSize(3).allMatch(event -> !event.get("end").isNull());
        });
        Set<String> cameras = new TreeSet<>();
        seen[0].forEach(event -> cameras.add(event.get("camera").asString()));
        assertThat(cameras).as("one event per camera").isEqualTo(addresses);
        System.out.printf("events: %s%n", seen[0]);
        assertThat(seen[1]).as("r2's events").isEqualTo(seen[0]);
        assertThat(seen[2]).as("r3's events").isEqualTo(seen[0]);
        for (JsonNode event : seen[0]) {
            assertThat(cluster.http(2).get("/events/" + event.get("id").asLong() + "/snapshot.jpg").status())
                .isEqualTo(200);
        }
    }

    /**
     * Every frame any camera had answered, read back from each instance's export but
     * {@code except}.
     */
    private static void assertEveryAcknowledgedFrameRecordedOnce(int except) throws Exception {
        for (int n = 1; n <= 3; n++) {
            if (n == except) {
                continue;
            }
            for (TestHost host : cameras) {
                Http.Response export = cluster.http(n).get("/recordings/export?sender=" + host.address());
                assertThat(export.status()).as("r" + n + " exports " + host.address()).isEqualTo(200);
                Path mkv = Files.createTempFile("camera-", ".mkv");
                Files.write(mkv, export.body());
                Map<String, Integer> recorded = new HashMap<>();
                Ffmpeg.packetHashes("sha256", 120, "-i", mkv.toString())
                    .forEach(sha -> recorded.merge(sha, 1, Integer::sum));
                Files.delete(mkv);
                for (String sha : acknowledged.get(host.address())) {
                    assertThat(recorded.get(sha)).as("r" + n + ": " + host.address() + "'s frame " + sha).isEqualTo(1);
                }
            }
        }
    }

    /**
     * Runs the three cameras for {@code seconds}; {@code midway}, if any, a third of the
     * way in.
     */
    private static List<Run> runCameras(int seconds, ThrowingRunnable midway, double... move) throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int c = 0; c < cameras.size(); c++) {
            TestHost host = cameras.get(c);
            List<String> command = new ArrayList<>(List.of(Commands.PYTHON.toString(), CAMERA.toString(),
                    host.hostAddress(), String.valueOf(LocalCluster.NGINX_IMAGES), "25", String.valueOf(seconds),
                    String.valueOf(7200 + c + seconds)));
            if (move.length == 2) {
                command.addAll(List.of("1.0", String.valueOf(move[0]), String.valueOf(move[1])));
            }
            processes.add(host.start(command.toArray(String[]::new)));
        }
        List<Thread> readers = new ArrayList<>();
        List<List<String>> outputs = new ArrayList<>();
        for (Process process : processes) {
            List<String> lines = new ArrayList<>();
            outputs.add(lines);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                }
                catch (IOException ex) {
                    // the process ended
                }
            });
            reader.start();
            readers.add(reader);
        }
        if (midway != null) {
            Thread.sleep(seconds * 1000L / 3);
            midway.run();
        }
        List<Run> runs = new ArrayList<>();
        for (int c = 0; c < processes.size(); c++) {
            assertThat(processes.get(c).waitFor(seconds + 60, TimeUnit.SECONDS)).isTrue();
            readers.get(c).join(10_000);
            String address = cameras.get(c).address();
            List<String> acked = new ArrayList<>();
            List<Double> times = new ArrayList<>();
            List<String> lost = new ArrayList<>();
            String summary = "";
            for (String line : outputs.get(c)) {
                String[] fields = line.split(" ");
                if (fields[0].equals("ack")) {
                    acked.add(fields[2]);
                    times.add(Double.parseDouble(fields[3]));
                }
                else if (fields[0].equals("lost")) {
                    lost.add(fields[2]);
                }
                else if (fields[0].equals("done")) {
                    summary = line;
                }
            }
            assertThat(summary).as(address + "'s camera ended: " + outputs.get(c)).startsWith("done");
            acknowledged.computeIfAbsent(address, k -> new HashSet<>()).addAll(acked);
            runs.add(new Run(address, acked, times, lost, summary));
        }
        return runs;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {

        void run() throws Exception;

    }

    private static Set<String> senders(JsonNode list) {
        Set<String> senders = new TreeSet<>();
        for (JsonNode entry : list) {
            senders.add(entry.get("sender").asString());
        }
        return senders;
    }

    private static String psql(String sql) throws IOException {
        Commands.Result result = Commands.run(
                List.of("psql", "-h", "127.0.0.1", "-p", "15432", "-U", "udpimage", "-d", "udpimage", "-At", "-c", sql),
                30);
        assertThat(result.exit()).as(result.output()).isZero();
        return result.output().strip();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

}
