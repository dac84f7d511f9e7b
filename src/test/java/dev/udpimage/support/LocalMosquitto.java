package dev.udpimage.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MQTT broker for the tests, from Debian's {@code mosquitto} package, on two free
 * loopback ports: one open to anyone ({@link #url()}), one that takes only
 * {@link #USERNAME} with {@link #PASSWORD} ({@link #authUrl()}, its password file made by
 * {@code mosquitto_passwd}). Both listeners share one broker: a message published on one
 * reaches subscribers of the other. Retained messages and persistent sessions are saved
 * when it stops, and restored when it starts again on the same ports. One per test JVM,
 * stopped and deleted when the JVM ends.
 */
public final class LocalMosquitto {

    public static final Path BROKER = Path.of("/usr/sbin/mosquitto");

    public static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");

    public static final String USERNAME = "camera-service";

    public static final String PASSWORD = "s3cret-for-tests";

    private static LocalMosquitto running;

    private final Path dir;

    private final int port;

    private final int authPort;

    private Process process;

    private LocalMosquitto(Path dir, int port, int authPort) {
        this.dir = dir;
        this.port = port;
        this.authPort = authPort;
    }

    /** Whether Debian's mosquitto is installed. */
    public static boolean available() {
        return Files.isExecutable(BROKER) && Files.isExecutable(PASSWD);
    }

    /**
     * The broker, started the first time ({@link Commands#require}: skipped without
     * mosquitto on a developer's machine, a failure in CI).
     */
    public static synchronized LocalMosquitto get() throws IOException {
        Commands.require(available(), "mosquitto (apt-get install mosquitto)");
        if (running == null) {
            running = create();
            running.start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::delete));
        }
        return running;
    }

    /** Anyone may connect here. */
    public String url() {
        return "tcp://127.0.0.1:" + this.port;
    }

    /** Only {@link #USERNAME} with {@link #PASSWORD} may connect here. */
    public String authUrl() {
        return "tcp://127.0.0.1:" + this.authPort;
    }

    /** The broker's own log. */
    public Path log() {
        return this.dir.resolve("mosquitto.log");
    }

    /** Starts it (again), on the same ports; returns once both accept connections. */
    public synchronized void start() throws IOException {
        if (this.process != null && this.process.isAlive()) {
            return;
        }
        this.process = new ProcessBuilder(BROKER.toString(), "-c", this.dir.resolve("mosquitto.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(this.dir.resolve("mosquitto.out").toFile()))
            .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(accepts(this.port) && accepts(this.authPort))) {
            if (!this.process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("mosquitto did not start; it printed: "
                        + Files.readString(this.dir.resolve("mosquitto.out")) + "; its log: " + readLog());
            }
            sleep(50);
        }
    }

    /**
     * Stops it as an administrator would (SIGTERM: it saves what it keeps, and closes
     * every connection); returns once it has ended.
     */
    public synchronized void stop() {
        if (this.process == null) {
            return;
        }
        this.process.destroy();
        try {
            if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Holds it still (SIGSTOP) or lets it go on (SIGCONT): its connections stay open, and
     * nothing sent to it is answered meanwhile.
     */
    public synchronized void pause(boolean paused) throws IOException {
        Commands.Result signalled = Commands
            .run(List.of("kill", paused ? "-STOP" : "-CONT", String.valueOf(this.process.pid())), 10);
        if (signalled.exit() != 0) {
            throw new IOException("kill: " + signalled.output());
        }
    }

    private static LocalMosquitto create() throws IOException {
        Path dir = Files.createTempDirectory("udpimage-mosquitto-");
        LocalMosquitto broker = new LocalMosquitto(dir, FreePorts.tcp(), FreePorts.tcp());
        Path passwords = dir.resolve("passwd");
        Commands.Result made = Commands
            .run(List.of(PASSWD.toString(), "-c", "-b", passwords.toString(), USERNAME, PASSWORD), 30);
        if (made.exit() != 0) {
            throw new IOException("mosquitto_passwd failed: " + made.output());
        }
        // as root, mosquitto would become the user "mosquitto", who cannot read this
        // directory: it stays whoever runs the tests
        String config = String.join("\n", "per_listener_settings true", "user " + System.getProperty("user.name"),
                "persistence true", "persistence_location " + dir + "/", "log_dest file " + broker.log(),
                "log_type all", "listener " + broker.port + " 127.0.0.1", "allow_anonymous true",
                "listener " + broker.authPort + " 127.0.0.1", "allow_anonymous false", "password_file " + passwords,
                "");
        Files.writeString(dir.resolve("mosquitto.conf"), config);
        return broker;
    }

    private String readLog() {
        try {
            return Files.readString(log());
        }
        catch (IOException ex) {
            return "(none)";
        }
    }

    private void delete() {
        stop();
        try (Stream<Path> files = Files.walk(this.dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
        catch (IOException ex) {
            // left in the temporary directory
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
