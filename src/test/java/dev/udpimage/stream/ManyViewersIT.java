package dev.udpimage.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.udpimage.support.Commands;
import dev.udpimage.support.MjpegViewer;
import dev.udpimage.support.ServiceTest;
import dev.udpimage.support.ServiceTestSupport;

/**
 * Four cameras at 25 fps and 640x480 at once, from four addresses, and 20 MJPEG viewers,
 * two of them reading deliberately slowly: every frame is answered, each normal viewer
 * gets at least 90 % of its camera's frames, the slow ones only lose frames, and the
 * cameras' rate is what it is with no viewer.
 */
@ServiceTest
class ManyViewersIT extends ServiceTestSupport {

    private static final int CAMERAS = 4;

    @BeforeAll
    static void python() throws Exception {
        Commands.require(Commands.hasPythonOpenCv(), "no python3 with OpenCV (apt-get install python3-opencv)");
    }

    @Test
    void fourCamerasAndTwentyViewersTwoOfThemSlow() throws Exception {
        List<Camera> alone = cameras(3);
        double fpsAlone = alone.stream().mapToDouble(Camera::fps).average().orElseThrow();

        AtomicBoolean watching = new AtomicBoolean(true);
        List<Viewer> viewers = new ArrayList<>();
        for (int v = 0; v < 20; v++) {
            Viewer viewer = new Viewer(source(v % CAMERAS), v < 2, watching);
            viewers.add(viewer);
            viewer.start();
        }
        for (Viewer viewer : viewers) {
            assertThat(viewer.connected.await(10, TimeUnit.SECONDS)).as("a viewer's stream opened").isTrue();
        }
        List<Camera> watched = cameras(5);
        Thread.sleep(500); // the last frames reach the viewers
        watching.set(false);
        for (Viewer viewer : viewers) {
            viewer.socket.close(); // ends its read
            viewer.thread.join(5000);
        }
        double fpsWatched = watched.stream().mapToDouble(Camera::fps).average().orElseThrow();
        System.out.printf("cameras alone %.1f fps, with 20 viewers %.1f fps; frames per viewer %s%n", fpsAlone,
                fpsWatched,
                viewers.stream().map(v -> v.source + (v.slow ? " (slow)" : "") + ": " + v.frames.get()).toList());
        for (Camera camera : watched) {
            assertThat(camera.answered()).as("every frame of " + camera.source() + " answered")
                .isEqualTo(camera.frames());
        }
        assertThat(fpsWatched).as("the cameras' rate with viewers").isGreaterThanOrEqualTo(fpsAlone * 0.95);
        for (Viewer viewer : viewers) {
            assertThat(viewer.status).as("a viewer of " + viewer.source).startsWith("HTTP/1.1 200");
            int frames = watched.get(List.of(sources()).indexOf(viewer.source)).answered();
            if (viewer.slow) {
                assertThat(viewer.frames.get()).as("a slow viewer only loses frames").isPositive().isLessThan(frames);
            }
            else {
                assertThat(viewer.frames.get()).as("a viewer of " + viewer.source)
                    .isGreaterThanOrEqualTo(frames * 9 / 10);
            }
        }
    }

    private static String source(int camera) {
        return "127.0.0." + (31 + camera);
    }

    private static String[] sources() {
        String[] sources = new String[CAMERAS];
        for (int i = 0; i < CAMERAS; i++) {
            sources[i] = source(i);
        }
        return sources;
    }

    private record Camera(String source, int frames, int answered, double fps) {
    }

    /** The four cameras at once, for {@code seconds}. */
    private List<Camera> cameras(int seconds) throws Exception {
        List<Process> processes = new ArrayList<>();
        for (String source : sources()) {
            processes.add(new ProcessBuilder("/usr/bin/python3", "clients/python/camera_send.py", "127.0.0.1",
                    String.valueOf(this.ports.image()), "--pattern", "--fps", "25", "--size", "640x480", "--seconds",
                    String.valueOf(seconds), "--source", source)
                .redirectErrorStream(true)
                .start());
        }
        List<Camera> cameras = new ArrayList<>();
        for (int i = 0; i < CAMERAS; i++) {
            Process process = processes.get(i);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            cameras.add(new Camera(source(i), Integer.parseInt(output.replaceAll("(?s).*frames=(\\d+).*", "$1")),
                    Integer.parseInt(output.replaceAll("(?s).*answered=(\\d+).*", "$1")),
                    Double.parseDouble(output.replaceAll("(?s).*fps=([0-9.]+).*", "$1"))));
        }
        return cameras;
    }

    /** An MJPEG viewer on a socket of its own, counting the frames it reads whole. */
    private final class Viewer {

        final String source;

        final boolean slow;

        final AtomicInteger frames = new AtomicInteger();

        final java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);

        final Thread thread;

        volatile String status;

        /** Read without a timeout (one could cut a header line in two): closed to end. */
        final Socket socket = new Socket();

        Viewer(String source, boolean slow, AtomicBoolean watching) {
            this.source = source;
            this.slow = slow;
            this.thread = new Thread(() -> read(watching));
            this.thread.setDaemon(true);
        }

        void start() {
            this.thread.start();
        }

        private void read(AtomicBoolean watching) {
            try (Socket socket = this.socket) {
                if (this.slow) {
                    socket.setReceiveBufferSize(8192);
                }
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ManyViewersIT.this.httpPort));
                OutputStream out = socket.getOutputStream();
                out.write(("GET /received/stream.mjpeg?sender=" + this.source + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                this.status = MjpegViewer.line(in);
                for (String header = MjpegViewer.line(in); !header.isEmpty(); header = MjpegViewer.line(in)) {
                    // the response's headers: the stream is open once they came
                }
                this.connected.countDown();
                while (watching.get()) {
                    String line = MjpegViewer.line(in);
                    if (line.startsWith("Content-Length: ")) {
                        int length = Integer.parseInt(line.substring(16).strip());
                        MjpegViewer.line(in); // the blank line
                        in.skipNBytes(length);
                        this.frames.incrementAndGet();
                        if (this.slow) {
                            Thread.sleep(400);
                        }
                    }
                }
            }
            catch (IOException | InterruptedException ended) {
                // done
            }
            finally {
                this.connected.countDown();
            }
        }

    }

}
