package dev.udpimage.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.udpimage.support.Ffmpeg;
import dev.udpimage.support.FreePorts;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceProcess;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * The service as a process of its own, SIGKILLed at random instants while three senders
 * send images and lists, and started again on the same directory each time. Every start
 * succeeds; in {@code sync} every item that was answered is there afterwards, bit for bit
 * (senders as fast as the replies come); in {@code async}, with senders the disk keeps up
 * with, what is missing was answered within the last {@link #ASYNC_WINDOW} before its
 * kill (its docs: the last write-delay plus one batch's writing). The sent images are
 * distinct (a comment each), the lists too. {@value #DEFAULT_ROUNDS} kills in
 * {@code sync} (a third as many in {@code async}) in every build: recovery from a torn
 * tail at every byte offset is {@code SegmentFilesTest}'s; {@code -Dcrash.rounds=30}
 * ({@code mvn -Plong verify}) makes the long run.
 */
class CrashIT {

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
        .build();

    private static final Duration ASYNC_WINDOW = Duration.ofSeconds(2);

    static final int DEFAULT_ROUNDS = 3;

    /** SIGKILLs in {@code sync}. */
    private static final int ROUNDS = Integer.getInteger("crash.rounds", DEFAULT_ROUNDS);

    /**
     * Every image sent is one of these with a comment of its own: distinct, and the
     * senders spend no CPU encoding.
     */
    private static final byte[] SMALL = TestImages.smallJpeg(22);

    private static final byte[] MEDIUM = TestImages.mediumJpeg(22);

    /** When an item was answered, and in which round. */
    private record Ack(int round, long nanos) {
    }

    @BeforeAll
    static void tools() {
        Ffmpeg.require();
    }

    @Test
    void inSyncWhatWasAcknowledgedSurvivesSigkillAtRandomInstants() throws Exception {
        Outcome outcome = crash("sync", ROUNDS, Duration.ZERO);
        assertThat(outcome.imagesAcknowledged()).as("images acknowledged").isNotEmpty();
        assertThat(outcome.missingImages()).as("acknowledged images missing or altered").isEmpty();
        assertThat(outcome.missingLists()).as("acknowledged lists missing").isEmpty();
        assertThat(outcome.missingFromRecording()).as("acknowledged images missing from the recording, or altered")
            .isEmpty();
        assertThat(outcome.listsMissingFromRecording()).as("acknowledged lists missing from the recording").isEmpty();
    }

    @Test
    void inAsyncACrashLosesOnlyWhatWasAcknowledgedJustBeforeIt() throws Exception {
        // cameras, not a flood: the writer keeps up
        Outcome outcome = crash("async", Math.max(2, ROUNDS / 3), Duration.ofMillis(10));
        assertThat(outcome.imagesAcknowledged()).as("images acknowledged").isNotEmpty();
        Map<Object, Ack> missing = new HashMap<>(outcome.missingImages());
        missing.putAll(outcome.missingLists());
        for (Map.Entry<Object, Ack> lost : missing.entrySet()) {
            Duration beforeKill = Duration.ofNanos(outcome.kills()[lost.getValue().round()] - lost.getValue().nanos());
            assertThat(beforeKill).as("how long before the kill a lost item was answered").isLessThan(ASYNC_WINDOW);
        }
    }

    private record Outcome(Map<Object, Ack> imagesAcknowledged, Map<Object, Ack> missingImages,
            Map<Object, Ack> missingLists, long[] kills, Set<Object> missingFromRecording,
            Set<Object> listsMissingFromRecording) {
    }

    /**
     * @param pause how long each sender waits after each answer
     */
    private static Outcome crash(String durability, int rounds, Duration pause) throws Exception {
        Path dir = Files.createTempDirectory("udpimage-crash-");
        Files.deleteIfExists(log(durability));
        Random random = new Random(22);
        Map<Object, Ack> acknowledgedImages = new ConcurrentHashMap<>();
        Map<Object, Ack> acknowledgedLists = new ConcurrentHashMap<>();
        long[] kills = new long[rounds];
        int[] ports = { FreePorts.tcp(), FreePorts.udp(), FreePorts.udp() };
        // a round's senders end while the next service starts: each waits up to 2 s for
        // the reply the kill took
        List<Thread> senders = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            try (ServiceProcess service = start(dir, ports, durability)) {
                joinAll(senders);
                AtomicBoolean sending = new AtomicBoolean(true);
                for (int s = 0; s < 3; s++) {
                    int sender = s;
                    int thisRound = round;
                    Thread thread = new Thread(() -> send(ports, sender, thisRound, pause, sending, acknowledgedImages,
                            acknowledgedLists));
                    thread.start();
                    senders.add(thread);
                }
                Thread.sleep(300 + random.nextInt(1200));
                kills[round] = System.nanoTime();
                service.kill(); // SIGKILL
                sending.set(false);
            }
        }
        ServiceProcess service = start(dir, ports, durability);
        joinAll(senders);
        try {
            Http http = service.http();
            Map<Object, Ack> missingImages = new HashMap<>(acknowledgedImages);
            for (JsonNode image : http.get("/received/images").json()) {
                missingImages.remove(TestImages
                    .sha256(http.get("/received/images/" + image.get("id").asLong() + "/original").body()));
            }
            Map<Object, Ack> missingLists = new HashMap<>(acknowledgedLists);
            for (JsonNode list : http.get("/received/lists").json()) {
                missingLists.remove(list.get("value").toString());
            }
            // the recording itself, read by ffmpeg from an export of all of it: every
            // frame's SHA-256 exactly as stored
            Http.Response export = http.get("/recordings/export?sender=127.0.0.1");
            assertThat(export.status()).as("the export of the recording").isEqualTo(200);
            Path mkv = dir.resolve("export.mkv");
            Files.write(mkv, export.body());
            Set<Object> missingFromRecording = new HashSet<>(acknowledgedImages.keySet());
            Ffmpeg.packetHashes("sha256", 120, "-i", mkv.toString()).forEach(missingFromRecording::remove);
            Set<Object> listsMissingFromRecording = new HashSet<>(acknowledgedLists.keySet());
            for (String line : http.get("/recordings/lists?sender=127.0.0.1").text().split("\n")) {
                if (!line.isBlank()) {
                    listsMissingFromRecording.remove(JSON.readTree(line).get("value").toString());
                }
            }
            long oldestLoss = Stream.concat(missingImages.values().stream(), missingLists.values().stream())
                .mapToLong(ack -> kills[ack.round()] - ack.nanos())
                .max()
                .orElse(0);
            System.out.printf(
                    "%s, %d SIGKILLs: %d images and %d lists acknowledged, %d and %d of them missing, "
                            + "the oldest answered %d ms before its kill%n",
                    durability, rounds, acknowledgedImages.size(), acknowledgedLists.size(), missingImages.size(),
                    missingLists.size(), TimeUnit.NANOSECONDS.toMillis(oldestLoss));
            System.out.printf("%s: %d acknowledged images and %d lists missing from the recording%n", durability,
                    missingFromRecording.size(), listsMissingFromRecording.size());
            return new Outcome(acknowledgedImages, missingImages, missingLists, kills, missingFromRecording,
                    listsMissingFromRecording);
        }
        finally {
            service.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private static void joinAll(List<Thread> senders) throws InterruptedException {
        for (Thread thread : senders) {
            thread.join(10_000);
        }
        senders.clear();
    }

    private static void send(int[] ports, int sender, int round, Duration pause, AtomicBoolean sending,
            Map<Object, Ack> images, Map<Object, Ack> lists) {
        try (LegacyTestClient imageClient = new LegacyTestClient(ports[1]);
                LegacyTestClient listClient = new LegacyTestClient(ports[2])) {
            for (int i = 0; sending.get(); i++) {
                byte[] jpeg = TestImages.withComment(i % 10 == 0 ? MEDIUM : SMALL, round + "/" + sender + "/" + i);
                imageClient.sendChunked(jpeg);
                if ("get message!!!".equals(imageClient.reply(Duration.ofSeconds(2)))) {
                    images.put(TestImages.sha256(jpeg), new Ack(round, System.nanoTime()));
                }
                String list = "[" + round + "," + sender + "," + i + "]";
                listClient.send(list);
                if ("get the msg".equals(listClient.reply(Duration.ofSeconds(2)))) {
                    lists.put(list, new Ack(round, System.nanoTime()));
                }
                LockSupport.parkNanos(pause.toNanos());
            }
        }
    }

    /**
     * With the client compiler only: the service starts in two thirds of the time, and
     * its speed does not matter here. Returns once it is up.
     */
    private static ServiceProcess start(Path dir, int[] ports, String durability) throws IOException {
        return ServiceProcess.start(List.of("-Xmx2g", "-XX:TieredStopAtLevel=1"), ports, log(durability),
                "--udp.store.dir=" + dir, "--udp.store.durability=" + durability, "--udp.store.history=100000",
                "--udp.store.max-bytes=1GB", "--spring.main.banner-mode=off", "--logging.level.root=WARN");
    }

    private static Path log(String durability) {
        return Path.of("target", "crash-test-" + durability + ".log");
    }

}
