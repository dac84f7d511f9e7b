package dev.udpimage.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.SmallDisk;
import dev.udpimage.support.TestImages;
import dev.udpimage.udp.ReceiverPorts;
import tools.jackson.databind.JsonNode;

/**
 * The recording's bounds while cameras keep sending at 25 fps: all cameras' bytes
 * together ({@code max-bytes}), and the free space of a small disk ({@code min-free}, on
 * a tmpfs of its own), sampled every 100 ms; every frame is still acknowledged.
 */
class RecordingBoundsIT {

    private static final Duration SENDING = Duration.ofSeconds(15);

    private ConfigurableApplicationContext service;

    private SmallDisk disk;

    @AfterEach
    void stop() throws IOException {
        if (this.service != null) {
            this.service.close();
        }
        if (this.disk != null) {
            this.disk.close();
        }
    }

    @Test
    void allCamerasTogetherStayWithinMaxBytesPlusOneOpenSegmentEach() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "recording-bytes");
        this.service = start(dir, "--udp.recording.max-bytes=1MB", "--udp.recording.segment-duration=1s");
        byte[] frame = TestImages.smallJpeg(28);
        // an open segment: 1 s at 25 fps, with each record's header and index entry
        long openSegment = 30 * (frame.length + 128L); // 25 a second, and a late timer
        long bound = (1 << 20) + 2 * openSegment;
        AtomicLong largest = new AtomicLong();
        int[] acknowledged = sendWhileSampling(frame, new String[] { "127.0.0.31", "127.0.0.32" },
                () -> largest.accumulateAndGet(size(dir.resolve("recording")), Math::max));
        long sent = 2L * 25 * SENDING.toSeconds() * frame.length;
        System.out.printf("max-bytes 1 MB: %d MB sent, the recording at most %.2f MB (bound %.2f MB)%n", sent >> 20,
                largest.get() / 1048576.0, bound / 1048576.0);
        assertThat(sent).as("more is sent than is kept").isGreaterThan(2L * bound);
        assertThat(largest.get()).as("the recording's largest size").isLessThanOrEqualTo(bound);
        JsonNode cameras = http().get("/recordings").json();
        assertThat(cameras).hasSize(2);
        for (int count : acknowledged) {
            assertThat(count).as("frames acknowledged").isGreaterThan((int) (25 * SENDING.toSeconds() * 9 / 10));
        }
        assertThat(counted("udp.recording.segments.deleted", "reason:bytes")).isPositive();
    }

    @Test
    void onASmallDiskTheFloorHoldsWhileFramesKeepBeingAcknowledged() throws Exception {
        Commands.require(SmallDisk.available(), "mounting a tmpfs takes root");
        this.disk = SmallDisk.mount(64);
        long floor = 32L << 20;
        this.service = start(this.disk.root().resolve("store"), "--udp.recording.min-free=32MB",
                "--udp.recording.segment-duration=1s");
        byte[] frame = TestImages.mediumJpeg(29);
        AtomicLong leastFree = new AtomicLong(Long.MAX_VALUE);
        int[] acknowledged = sendWhileSampling(frame, new String[] { "127.0.0.33" },
                () -> leastFree.accumulateAndGet(free(), Math::min));
        long sent = 25 * SENDING.toSeconds() * frame.length;
        // one second of frames (a retention pass) and one open segment below the floor at
        // most: 2 x 25 frames
        long slack = 2 * 25 * (frame.length + 128L);
        System.out.printf("min-free 32 MB on a 64 MB disk: %d MB sent, %d acknowledged, least free %.1f MB%n",
                sent >> 20, acknowledged[0], leastFree.get() / 1048576.0);
        assertThat(sent).as("more is sent than the disk holds").isGreaterThan(64L << 20);
        assertThat(acknowledged[0]).as("frames acknowledged, all of them").isEqualTo(acknowledged[1]);
        assertThat(leastFree.get()).as("the least free space").isGreaterThanOrEqualTo(floor - slack);
        assertThat(counted("udp.recording.floor", null)).isPositive();
        assertThat(counted("udp.recording.segments.deleted", "reason:min-free")).isPositive();
        assertThat(http().get("/recordings").json().get(0).get("frames").asLong()).as("frames still recorded")
            .isPositive();
    }

    /**
     * Each camera sends at 25 fps for {@link #SENDING} while {@code sample} runs every
     * 100 ms.
     * @return per camera the frames acknowledged (and for one camera, also the frames
     * sent)
     */
    private int[] sendWhileSampling(byte[] frame, String[] cameras, Runnable sample) throws Exception {
        int port = this.service.getBean(ReceiverPorts.class).image();
        AtomicInteger[] acked = new AtomicInteger[cameras.length];
        AtomicInteger sentFrames = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < cameras.length; c++) {
            acked[c] = new AtomicInteger();
            AtomicInteger mine = acked[c];
            String camera = cameras[c];
            Thread thread = new Thread(() -> {
                try (LegacyTestClient client = new LegacyTestClient(InetAddress.getByName(camera), port)) {
                    long start = System.nanoTime();
                    for (int i = 0; System.nanoTime() - start < SENDING.toNanos(); i++) {
                        long wait = start + i * TimeUnit.MILLISECONDS.toNanos(40) - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        client.sendChunked(TestImages.withComment(frame, camera + "/" + i));
                        sentFrames.incrementAndGet();
                        if ("get message!!!".equals(client.reply(Duration.ofSeconds(2)))) {
                            mine.incrementAndGet();
                        }
                    }
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            thread.start();
            threads.add(thread);
        }
        while (threads.stream().anyMatch(Thread::isAlive)) {
            sample.run();
            Thread.sleep(100);
        }
        sample.run();
        int[] result = new int[cameras.length + 1];
        for (int c = 0; c < cameras.length; c++) {
            result[c] = acked[c].get();
        }
        result[cameras.length] = sentFrames.get();
        return result;
    }

    private ConfigurableApplicationContext start(Path dir, String... settings) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--udp.image-port=0", "--udp.list-port=0",
                "--udp.bind-address=127.0.0.1", "--udp.store.dir=" + dir));
        args.addAll(List.of(settings));
        return new SpringApplicationBuilder(UdpImageServiceApplication.class).run(args.toArray(String[]::new));
    }

    private Http http() {
        return new Http(Integer.parseInt(this.service.getEnvironment().getProperty("local.server.port")));
    }

    private double counted(String meter, String tag) {
        Http.Response metric = http().get("/actuator/metrics/" + meter + (tag == null ? "" : "?tag=" + tag));
        assertThat(metric.status()).as(meter + " " + tag).isEqualTo(200);
        return metric.json().get("measurements").get(0).get("value").asDouble();
    }

    private long free() {
        try {
            return Files.getFileStore(this.disk.root()).getUsableSpace();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                }
                catch (IOException gone) {
                    return 0;
                }
            }).sum();
        }
        catch (IOException | java.io.UncheckedIOException gone) {
            return 0;
        }
    }

}
