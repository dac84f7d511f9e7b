package dev.udpimage.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests, from Debian's {@code postgresql} package: a
 * fresh cluster ({@code initdb}) in a temporary directory, on a free loopback port, with
 * a database {@code udpimage} that user {@code udpimage} owns; fsync off, since the tests
 * never crash the host. As root, it runs as the {@code postgres} user, as initdb demands.
 * One per test JVM, stopped and deleted when the JVM ends.
 */
public final class LocalPostgres {

    private static LocalPostgres running;

    private final Path dir;

    private final Path bin;

    private final int port;

    private LocalPostgres(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    /** Whether Debian's PostgreSQL server is installed. */
    public static boolean available() {
        return binDir() != null;
    }

    public static synchronized LocalPostgres get() throws IOException {
        if (running == null) {
            running = start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::stop));
        }
        return running;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + this.port + "/udpimage";
    }

    /**
     * A new, empty database of its own on this server, so that one test's rows never
     * count in another's; its JDBC URL.
     */
    public String newDatabase() throws IOException {
        String name = "udpimage_" + DATABASES.incrementAndGet();
        psql("create database " + name);
        return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + name;
    }

    private static final java.util.concurrent.atomic.AtomicInteger DATABASES = new java.util.concurrent.atomic.AtomicInteger();

    public int port() {
        return this.port;
    }

    /**
     * Restarts the server as a crash would ({@code pg_ctl restart -m immediate}: no
     * checkpoint, every connection cut, crash recovery at start); returns once it accepts
     * connections again.
     */
    public void restartImmediately() throws IOException {
        asOwner(this.bin.resolve("pg_ctl").toString(), "-D", this.dir.resolve("data").toString(), "-m", "immediate",
                "-w", "restart");
    }

    /** Runs SQL as the superuser with psql, e.g. to kill a connection. */
    public String psql(String sql) throws IOException {
        return run(List.of(this.bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", String.valueOf(this.port),
                "-U", "udpimage", "-d", "udpimage", "-At", "-c", sql));
    }

    private static Path binDir() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin"))
                .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                .max(Comparator.comparing(Path::toString))
                .orElse(null);
        }
        catch (IOException ex) {
            return null;
        }
    }

    private static LocalPostgres start() throws IOException {
        Path bin = binDir();
        if (bin == null) {
            throw new IllegalStateException("no PostgreSQL server (apt-get install postgresql)");
        }
        Path dir = Files.createTempDirectory("udpimage-pg-");
        int port = FreePorts.tcp();
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        LocalPostgres postgres = new LocalPostgres(dir, bin, port);
        postgres.asOwner(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "udpimage",
                "--auth=trust", "-E", "UTF8", "--locale=C");
        postgres.asOwner(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("log").toString(), "-w", "-o",
                "-p " + port + " -k " + dir
                        + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200",
                "start");
        postgres.asOwner(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U",
                "udpimage", "udpimage");
        return postgres;
    }

    private void stop() {
        try {
            asOwner(this.bin.resolve("pg_ctl").toString(), "-D", this.dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop");
        }
        catch (IOException | RuntimeException ex) {
            // the JVM is ending: nothing else to do
        }
        try (Stream<Path> files = Files.walk(this.dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
        catch (IOException ex) {
            // left in the temporary directory
        }
    }

    private String asOwner(String... command) throws IOException {
        List<String> all = new ArrayList<>();
        if (isRoot()) {
            all.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        all.addAll(List.of(command));
        return run(all);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String run(List<String> command) throws IOException {
        Commands.Result result = Commands.run(command, 60);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result.output());
        }
        return result.output();
    }

}
