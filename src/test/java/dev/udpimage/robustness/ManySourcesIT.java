package dev.udpimage.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.ServiceProcess;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * Twenty thousand senders, each from an address of its own (127.100.0.0 and up: on a LAN
 * anyone can spoof sources, and one IPv6 host has a /64), each sending one 48 KB
 * whole-mode JPEG and one list as fast as the replies come, against the service as it
 * runs ({@code java @jvm.options}): its heap after a full collection stays under half of
 * {@code -Xmx}, health and the streams answer within a second, a camera sending at 25 fps
 * meanwhile has every frame acknowledged and keeps its stream, and afterwards the service
 * works as before.
 */
class ManySourcesIT {

    private static final int SOURCES = 20_000;

    private static final int FLOOD_THREADS = 4;

    @Test
    void twentyThousandSourcesCostBoundedMemoryAndACameraKeepsItsStream() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "many-sources");
        Path jvmOptions = Path.of("jvm.options").toAbsolutePath();
        long maxHeap = maxHeap(jvmOptions);
        try (ServiceProcess service = ServiceProcess.start(List.of("@" + jvmOptions), dir.resolve("service.log"),
                "--udp.store.dir=" + dir.resolve("store"))) {
            byte[] image = fortyEightKilobytes();
            AtomicBoolean flooding = new AtomicBoolean(true);
            Camera camera = new Camera(service.imagePort(), flooding);
            Monitor monitor = new Monitor(service, flooding);
            camera.start();
            monitor.start();
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger unanswered = new AtomicInteger();
            long started = System.nanoTime();
            List<Thread> flood = new ArrayList<>();
            for (int t = 0; t < FLOOD_THREADS; t++) {
                int first = t;
                Thread thread = new Thread(() -> {
                    for (int i = first; i < SOURCES; i += FLOOD_THREADS) {
                        if (sendFrom(source(i), service, image)) {
                            answered.incrementAndGet();
                        }
                        else {
                            unanswered.incrementAndGet();
                        }
                    }
                });
                thread.start();
                flood.add(thread);
            }
            for (Thread thread : flood) {
                thread.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            // a little more of the camera alone, then stop
            Thread.sleep(1000);
            flooding.set(false);
            camera.join();
            monitor.join();
            System.out.printf(
                    "%d sources in %.1f s (%d answered both, %d not); camera: %d frames sent, %d acknowledged; "
                            + "heap after full GC at most %d MB of %d MB (%d samples); health and streams at most "
                            + "%d ms%n",
                    SOURCES, seconds, answered.get(), unanswered.get(), camera.sent.get(), camera.acknowledged.get(),
                    monitor.maxHeap.get() >> 20, maxHeap >> 20, monitor.heapSamples.get(), monitor.maxLatencyMs.get());
            assertThat(monitor.failure).as("the monitor's requests").isNull();
            assertThat(monitor.heapSamples.get()).as("heap samples during the flood").isGreaterThanOrEqualTo(2);
            assertThat(monitor.maxHeap.get()).as("heap after a full GC").isLessThan(maxHeap / 2);
            assertThat(monitor.maxLatencyMs.get()).as("ms for health and streams to answer").isLessThan(1000);
            assertThat(answered.get()).as("sources answered").isGreaterThan(SOURCES * 9 / 10);
            assertThat(camera.acknowledged.get()).as("camera frames acknowledged").isEqualTo(camera.sent.get());
            assertThat(camera.sent.get()).as("camera frames sent").isGreaterThan(25);

            Http http = service.http();
            JsonNode streams = http.get("/received/streams").json();
            JsonNode cameraStream = null;
            for (JsonNode stream : streams) {
                if (stream.get("sender").asString().equals(Camera.ADDRESS)) {
                    cameraStream = stream;
                }
            }
            assertThat(cameraStream).as("the camera's stream, among %d", streams.size()).isNotNull();
            assertThat(cameraStream.get("frames").asLong()).as("frames of the camera's stream: it was never forgotten")
                .isEqualTo(camera.acknowledged.get());
            assertThat(streams.size()).isLessThanOrEqualTo(256);

            // and afterwards, as before
            try (LegacyTestClient images = new LegacyTestClient(service.imagePort());
                    LegacyTestClient lists = new LegacyTestClient(service.listPort())) {
                images.sendChunked(TestImages.mediumJpeg(99));
                assertThat(images.reply()).isEqualTo("get message!!!");
                lists.send("[9, 9]");
                assertThat(lists.reply()).isEqualTo("get the msg");
            }
            assertThat(http.get("/received/latest.png").status()).isEqualTo(200);
            assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
            assertThat(service.isAlive()).isTrue();
        }
    }

    /**
     * 127.100.0.0, 127.100.0.1, ...: every one this machine, every one a sender of its
     * own.
     */
    private static InetAddress source(int i) {
        try {
            return InetAddress.getByAddress(new byte[] { 127, (byte) (100 + i / 65536), (byte) (i / 256), (byte) i });
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * One whole-mode image and one list from {@code source}; whether both were answered.
     */
    private static boolean sendFrom(InetAddress source, ServiceProcess service, byte[] image) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
            socket.setSoTimeout(2000);
            byte[] buffer = new byte[256];
            socket.send(new DatagramPacket(image, image.length, loopback, service.imagePort()));
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            socket.receive(reply);
            boolean stored = "get message!!!"
                .equals(new String(buffer, 0, reply.getLength(), StandardCharsets.US_ASCII));
            byte[] list = "[1, 2, 3]".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(list, list.length, loopback, service.listPort()));
            socket.receive(reply);
            return stored && "get the msg".equals(new String(buffer, 0, reply.getLength(), StandardCharsets.US_ASCII));
        }
        catch (SocketTimeoutException ex) {
            return false;
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] fortyEightKilobytes() {
        byte[] image = TestImages.jpeg(TestImages.photo(320, 240, 40, 48), 0.9f);
        assertThat(image.length).as("the image's size").isBetween(30_000, 65_000);
        return image;
    }

    private static long maxHeap(Path jvmOptions) throws IOException {
        Matcher xmx = Pattern.compile("(?m)^-Xmx(\\d+)m").matcher(Files.readString(jvmOptions));
        assertThat(xmx.find()).as("-Xmx in " + jvmOptions).isTrue();
        return Long.parseLong(xmx.group(1)) << 20;
    }

    /**
     * A camera at 25 fps, chunked, from its own address: every frame must be answered
     * within 2 s.
     */
    private static final class Camera extends Thread {

        static final String ADDRESS = "127.0.0.25";

        final AtomicInteger sent = new AtomicInteger();

        final AtomicInteger acknowledged = new AtomicInteger();

        private final int port;

        private final AtomicBoolean running;

        Camera(int port, AtomicBoolean running) {
            this.port = port;
            this.running = running;
        }

        @Override
        public void run() {
            byte[] frame = TestImages.jpeg(TestImages.photo(640, 480, 20, 25), 0.8f);
            try (LegacyTestClient camera = new LegacyTestClient(InetAddress.getByName(ADDRESS), this.port)) {
                long next = System.nanoTime();
                while (this.running.get()) {
                    camera.sendChunked(frame);
                    this.sent.incrementAndGet();
                    if ("get message!!!".equals(camera.reply(Duration.ofSeconds(2)))) {
                        this.acknowledged.incrementAndGet();
                    }
                    next += 40_000_000L;
                    LockSupport.parkNanos(next - System.nanoTime());
                }
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }

    }

    /**
     * Health and the streams every 200 ms (the slowest answer kept), the heap after a
     * full collection every 2 s.
     */
    private static final class Monitor extends Thread {

        final AtomicLong maxLatencyMs = new AtomicLong();

        final AtomicLong maxHeap = new AtomicLong();

        final AtomicInteger heapSamples = new AtomicInteger();

        volatile Throwable failure;

        private final ServiceProcess service;

        private final AtomicBoolean running;

        Monitor(ServiceProcess service, AtomicBoolean running) {
            this.service = service;
            this.running = running;
        }

        @Override
        public void run() {
            Http http = this.service.http();
            long nextHeap = System.nanoTime() + 2_000_000_000L;
            try {
                while (this.running.get()) {
                    for (String path : new String[] { "/actuator/health", "/received/streams" }) {
                        long started = System.nanoTime();
                        int status = http.get(path).status();
                        this.maxLatencyMs.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                        assertThat(status).as(path).isEqualTo(200);
                    }
                    if (System.nanoTime() > nextHeap) {
                        this.maxHeap.accumulateAndGet(this.service.heapAfterFullGc(), Math::max);
                        this.heapSamples.incrementAndGet();
                        nextHeap = System.nanoTime() + 2_000_000_000L;
                    }
                    Thread.sleep(200);
                }
            }
            catch (Throwable ex) {
                this.failure = ex;
            }
        }

    }

}
