package dev.udpimage.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.MjpegViewer;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/**
 * A sender is a camera: {@code clients/python/camera_send.py} sends a moving test pattern
 * at 640x480 and 25 fps in the tutorial's protocol, and ffmpeg (Debian's) reads the
 * sender's MJPEG stream meanwhile and decodes its frames; the stream's fps is what the
 * sender reports; a viewer that reads slowly only skips frames.
 */
@ServiceTest
class CameraStreamsIT extends ServiceTestSupport {

    private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    @Autowired
    MeterRegistry registry;

    @BeforeAll
    static void tools() throws Exception {
        Commands.require(Files.isExecutable(FFMPEG) && Commands.hasPythonOpenCv(),
                "no ffmpeg or python3 with OpenCV (apt-get install ffmpeg python3-opencv)");
    }

    @Test
    void ffmpegDecodesTheSendersMjpegWhileItSendsAndTheStreamShowsItsFps() throws Exception {
        String url = "http://127.0.0.1:" + this.httpPort + "/received/stream.mjpeg?sender=127.0.0.1";
        Process ffmpeg = new ProcessBuilder(FFMPEG.toString(), "-nostdin", "-hide_banner", "-loglevel", "error", "-f",
                "mpjpeg", "-i", url, "-f", "framecrc", "-")
            .redirectError(Path.of("target", "ffmpeg.log").toFile())
            .start();
        List<String> decoded = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader lines = new java.io.BufferedReader(
                    new java.io.InputStreamReader(ffmpeg.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.startsWith("#")) {
                        decoded.add(line);
                    }
                }
            }
            catch (IOException ended) {
                // ffmpeg ended
            }
        });
        reader.start();
        Thread.sleep(500); // ffmpeg connects before the first frame
        double[] reportedFps = new double[1];
        AtomicBoolean sampled = new AtomicBoolean();
        Thread sampler = new Thread(() -> { // the stream's fps while the sender runs
            try {
                Thread.sleep(3000);
                JsonNode stream = http().get("/received/streams").json().get(0);
                reportedFps[0] = stream.get("fps").asDouble();
                sampled.set(stream.get("width").asInt() == 640 && stream.get("height").asInt() == 480
                        && stream.get("active").asBoolean() && stream.get("sender").asString().equals("127.0.0.1"));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        sampler.start();
        String camera = run(Commands.PYTHON.toString(), "clients/python/camera_send.py", "127.0.0.1",
                String.valueOf(this.ports.image()), "--pattern", "--fps", "25", "--size", "640x480", "--seconds", "5");
        sampler.join();
        Thread.sleep(500); // the last frame reaches ffmpeg
        // SIGTERM, not Process.destroy(), which also closes the pipe ffmpeg writes to
        new ProcessBuilder("kill", "-TERM", String.valueOf(ffmpeg.pid())).start().waitFor();
        ffmpeg.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);

        int answered = Integer.parseInt(camera.replaceAll("(?s).*answered=(\\d+).*", "$1"));
        double senderFps = Double.parseDouble(camera.replaceAll("(?s).*fps=([0-9.]+).*", "$1"));
        System.out.printf("camera_send.py: %s; ffmpeg decoded %d frames; /received/streams said %.1f fps%n",
                camera.strip().replace('\n', ' '), decoded.size(), reportedFps[0]);
        assertThat(camera).contains("source: test pattern");
        assertThat(answered).as("frames answered").isGreaterThanOrEqualTo(110);
        assertThat(decoded.size()).as("frames ffmpeg decoded of " + answered).isGreaterThanOrEqualTo(answered * 9 / 10);
        assertThat(sampled).as("the stream: 127.0.0.1, 640x480, active").isTrue();
        assertThat(reportedFps[0]).isBetween(senderFps * 0.8, senderFps * 1.2);

        Http.Response still = http().get("/received/stream.jpg?sender=127.0.0.1");
        assertThat(still.status()).isEqualTo(200);
        assertThat(TestImages.decode(still.body()).getWidth()).isEqualTo(640);
    }

    /**
     * A camera sending a frame a second: each is shown as soon as it is answered, not
     * when the next one pushes it out; the stream's headers come before its first frame.
     */
    @Test
    void eachFrameOfASlowCameraIsShownWhenItArrives() throws Exception {
        InetAddress address = InetAddress.getByName("127.0.0.7");
        try (MjpegViewer viewer = MjpegViewer.open(this.httpPort, "/received/stream.mjpeg?sender=127.0.0.7", null);
                LegacyTestClient camera = new LegacyTestClient(address, this.ports.image())) {
            assertThat(viewer.awaitHeaders(Duration.ofSeconds(5))).as("the headers before any frame").isTrue();
            for (int i = 0; i < 3; i++) {
                byte[] frame = TestImages.mediumJpeg(7700 + i);
                camera.sendChunked(frame);
                assertThat(camera.reply()).isEqualTo("get message!!!");
                assertThat(viewer.awaitFrame(TestImages.sha256(frame), Duration.ofSeconds(1)))
                    .as("frame %d shown within a second of its answer", i)
                    .isTrue();
            }
        }
    }

    @Test
    void aViewerThatReadsSlowlySkipsFramesAndSlowsNothingElse() throws Exception {
        double skippedBefore = skipped();
        AtomicBoolean reading = new AtomicBoolean(true);
        long[] slowBytes = new long[1];
        Thread slow = new Thread(() -> {
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(8192); // before connecting: a small window
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.httpPort));
                OutputStream out = socket.getOutputStream();
                out.write(("GET /received/stream.mjpeg HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                while (reading.get()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return;
                    }
                    slowBytes[0] += n;
                    Thread.sleep(100); // about 40 KB a second: a frame now and then
                }
            }
            catch (IOException | InterruptedException ended) {
                // done
            }
        });
        slow.start();
        String camera = run(Commands.PYTHON.toString(), "clients/python/camera_send.py", "127.0.0.1",
                String.valueOf(this.ports.image()), "--pattern", "--fps", "25", "--size", "1280x960", "--quality", "95",
                "--seconds", "6");
        reading.set(false);
        slow.join(5000);
        int answered = Integer.parseInt(camera.replaceAll("(?s).*answered=(\\d+).*", "$1"));
        int frames = Integer.parseInt(camera.replaceAll("(?s).*frames=(\\d+).*", "$1"));
        System.out.printf("with a slow viewer (%d bytes read): %s; frames skipped %.0f%n", slowBytes[0],
                camera.strip().replace('\n', ' '), skipped() - skippedBefore);
        assertThat(answered).as("every frame answered").isEqualTo(frames);
        assertThat(slowBytes[0]).as("the slow viewer got frames").isPositive();
        assertThat(skipped() - skippedBefore).as("it skipped the frames it was too slow for").isPositive();
    }

    private double skipped() {
        return this.registry.get("udp.streams.frames.skipped").counter().count();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Commands.Result result = Commands.run(List.of(command), 60);
        assertThat(result.exit()).as(result.output()).isNotEqualTo(-1);
        return result.output();
    }

}
