package dev.udpimage.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * {@code udp.store.durability=sync}: the service as a process of its own, SIGKILLed at
 * random instants while three senders send images and lists, and started again on the
 * same directory each time. Every start succeeds, and every item that was answered is
 * there afterwards, bit for bit.
 */
class CrashTest {

    private static final int ROUNDS = 10;

    @Test
    void whatWasAcknowledgedSurvivesSigkillAtRandomInstants() throws Exception {
        Path dir = Files.createTempDirectory("udpimage-crash-");
        Random random = new Random(22);
        Set<String> acknowledgedImages = ConcurrentHashMap.newKeySet();
        Set<String> acknowledgedLists = ConcurrentHashMap.newKeySet();
        int[] ports = { freePort(), freePort(), freePort() };
        for (int round = 0; round < ROUNDS; round++) {
            Process service = start(dir, ports);
            try {
                awaitUp(ports[0]);
                AtomicBoolean sending = new AtomicBoolean(true);
                List<Thread> senders = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    int sender = s;
                    int seedBase = round * 1000 + s * 100;
                    Thread thread = new Thread(
                            () -> send(ports, sender, seedBase, sending, acknowledgedImages, acknowledgedLists));
                    thread.start();
                    senders.add(thread);
                }
                Thread.sleep(300 + random.nextInt(1200));
                service.destroyForcibly(); // SIGKILL
                service.waitFor(10, TimeUnit.SECONDS);
                sending.set(false);
                for (Thread thread : senders) {
                    thread.join(10_000);
                }
            }
            finally {
                service.destroyForcibly();
            }
        }
        Process service = start(dir, ports);
        try {
            awaitUp(ports[0]);
            Http http = new Http(ports[0]);
            Set<String> images = new HashSet<>();
            for (JsonNode image : http.get("/received/images").json()) {
                images.add(TestImages
                    .sha256(http.get("/received/images/" + image.get("id").asLong() + "/original").body()));
            }
            Set<String> lists = new HashSet<>();
            for (JsonNode list : http.get("/received/lists").json()) {
                lists.add(list.get("value").toString());
            }
            System.out.printf("%d SIGKILLs: %d images and %d lists acknowledged, %d and %d kept%n", ROUNDS,
                    acknowledgedImages.size(), acknowledgedLists.size(), images.size(), lists.size());
            assertThat(acknowledgedImages).as("images acknowledged").isNotEmpty();
            assertThat(images).as("every acknowledged image, bit for bit").containsAll(acknowledgedImages);
            assertThat(lists).as("every acknowledged list").containsAll(acknowledgedLists);
        }
        finally {
            service.destroyForcibly();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private static void send(int[] ports, int sender, int seedBase, AtomicBoolean sending, Set<String> images,
            Set<String> lists) {
        try (LegacyTestClient imageClient = new LegacyTestClient(ports[1]);
                LegacyTestClient listClient = new LegacyTestClient(ports[2])) {
            for (int i = 0; sending.get(); i++) {
                byte[] jpeg = i % 3 == 0 ? TestImages.mediumJpeg(seedBase + i) : TestImages.smallJpeg(seedBase + i);
                imageClient.sendChunked(jpeg);
                if ("get message!!!".equals(imageClient.reply(Duration.ofSeconds(2)))) {
                    images.add(TestImages.sha256(jpeg));
                }
                String list = "[" + sender + "," + seedBase + "," + i + "]";
                listClient.send(list);
                if ("get the msg".equals(listClient.reply(Duration.ofSeconds(2)))) {
                    lists.add(list);
                }
            }
        }
    }

    private static Process start(Path dir, int[] ports) throws IOException {
        return new ProcessBuilder("java", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                UdpImageServiceApplication.class.getName(), "--server.port=" + ports[0], "--udp.image-port=" + ports[1],
                "--udp.list-port=" + ports[2], "--udp.bind-address=127.0.0.1", "--udp.store.dir=" + dir,
                "--udp.store.durability=sync", "--udp.store.history=100000", "--udp.store.max-bytes=1GB",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN")
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "crash-test-service.log").toFile())
            .start();
    }

    private static void awaitUp(int httpPort) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (new Http(httpPort).get("/actuator/health").status() == 200) {
                    return;
                }
            }
            catch (RuntimeException starting) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the service did not start within 60 s; see target/crash-test-service.log");
    }

    private static int freePort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }

}
