package dev.udpimage.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real S3-compatible server for the tests: S3Mock's standalone jar (from Maven Central,
 * copied to {@code target/s3mock.jar} by the build) as a process of its own, on a free
 * loopback port, storing into a temporary directory. One per test JVM, ended with it.
 */
public final class LocalS3 {

    private static LocalS3 running;

    private final Process process;

    private final int port;

    private LocalS3(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized LocalS3 get() throws IOException, InterruptedException {
        if (running == null) {
            running = start();
            Runtime.getRuntime().addShutdownHook(new Thread(running.process::destroyForcibly));
        }
        return running;
    }

    /**
     * Stops the server (SIGSTOP): requests hang until {@link #resume}, as on an
     * overloaded server.
     */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", signal, String.valueOf(this.process.pid())).start().waitFor() != 0) {
            throw new IOException("kill " + signal + " failed");
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + this.port;
    }

    /** Its log: one S3Mock per test JVM. */
    private static final Path LOG = Path.of("target", "s3mock-" + ProcessHandle.current().pid() + ".log");

    private static LocalS3 start() throws IOException, InterruptedException {
        Path jar = Path.of("target", "s3mock.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the build copies it (mvn verify)");
        }
        int port = FreePorts.tcp();
        int https = FreePorts.tcp();
        Path root = Files.createTempDirectory("udpimage-s3-");
        Process process = new ProcessBuilder(
                List.of("java", "-Xmx256m", "-jar", jar.toString(), "--com.adobe.testing.s3mock.httpPort=" + port,
                        "--server.port=" + https, "--com.adobe.testing.s3mock.store.root=" + root))
            .redirectErrorStream(true)
            .redirectOutput(LOG.toFile())
            .start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited; see " + LOG);
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/")
                    .toURL()
                    .openConnection();
                connection.setConnectTimeout(500);
                if (connection.getResponseCode() == 200) {
                    return new LocalS3(process, port);
                }
            }
            catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("S3Mock did not start within 60 s; see " + LOG);
    }

}
