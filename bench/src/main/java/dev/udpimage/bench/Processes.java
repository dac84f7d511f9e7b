package dev.udpimage.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.udpimage.JvmOptionsCheck;

/**
 * The processes a run drives: the packaged service, the Python reference receiver, and
 * the bare loops; each started on free ports and awaited until it answers.
 */
final class Processes {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

    /** The bare Java loop's heap: the service's, though it needs far less. */
    static final String BARE_HEAP = "-Xmx304m";

    /**
     * The service's JVM options: those of {@code jvm.options} (a java launcher argument
     * file, read by {@code mvn spring-boot:run} and the Dockerfile too), plus
     * {@code BENCH_SERVICE_JVM_OPTS} (e.g. a flight recording).
     */
    static List<String> jvmOptions(Path file) throws IOException {
        List<String> options = new ArrayList<>(JvmOptionsCheck.parse(Files.readString(file)));
        String extra = System.getenv("BENCH_SERVICE_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    static Path serviceJar(Path build) throws IOException {
        try (Stream<Path> files = Files.list(build)) {
            return files.filter(p -> p.getFileName().toString().matches("udp-image-service-.*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no service jar in " + build + ": run `mvn -Pbench verify`, which packages it first"));
        }
    }

    static int freePort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the list port answers, i.e. the receiver is up. */
    static void awaitListPort(InetSocketAddress lists, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (LegacyLoad probe = new LegacyLoad(lists, Duration.ofMillis(200))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("process exited with " + process.exitValue());
                }
                if ("get the msg".equals(probe.sendList("[0]"))) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("receiver did not come up within 60 s");
    }

    /**
     * The packaged service as a process of its own, so that its memory can be read from
     * /proc.
     */
    record ServiceProcess(Process process, InetSocketAddress images, InetSocketAddress lists) implements AutoCloseable {

        static ServiceProcess start(Path jar, List<String> jvmOptions, Path log)
                throws IOException, InterruptedException {
            return start(jar, jvmOptions, log, List.of());
        }

        /**
         * @param settings more {@code --name=value} arguments
         */
        static ServiceProcess start(Path jar, List<String> jvmOptions, Path log, List<String> settings)
                throws IOException, InterruptedException {
            return start(jar, jvmOptions, log, settings, log.resolveSibling("bench-store"), true, 0);
        }

        /**
         * @param empty delete what {@code store} holds first
         * @param httpPort 0: any
         */
        static ServiceProcess start(Path jar, List<String> jvmOptions, Path log, List<String> settings, Path store,
                boolean empty, int httpPort) throws IOException, InterruptedException {
            int image = freePort();
            int list = freePort();
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(jvmOptions);
            // start empty: nothing of an earlier run to load
            if (empty && Files.isDirectory(store)) {
                try (Stream<Path> files = Files.walk(store)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            command.addAll(List.of("-jar", jar.toString(), "--server.port=" + httpPort, "--udp.bind-address=127.0.0.1",
                    "--udp.image-port=" + image, "--udp.list-port=" + list, "--udp.store.dir=" + store));
            command.addAll(settings);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            InetAddress loopback = InetAddress.getLoopbackAddress();
            ServiceProcess service = new ServiceProcess(process, new InetSocketAddress(loopback, image),
                    new InetSocketAddress(loopback, list));
            awaitListPort(service.lists(), process);
            return service;
        }

        long pid() {
            return this.process.pid();
        }

        /**
         * Waits (at most 30 s) until the service's JIT compiler threads used no more than
         * one clock tick of CPU in a second, and prints how long that took.
         */
        void awaitCompilerIdle() throws InterruptedException {
            long started = System.nanoTime();
            long before = compilerTicks();
            while (before >= 0 && System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
                Thread.sleep(1000);
                long now = compilerTicks();
                if (now - before <= 1) {
                    System.out.printf(Locale.ROOT, "  (JIT compiler idle after %.1f s)%n",
                            (System.nanoTime() - started) / 1e9);
                    return;
                }
                before = now;
            }
            System.out.println("  (JIT compiler still busy after 30 s)");
        }

        /**
         * CPU time of the service's JIT compiler threads so far in clock ticks, from
         * Linux's /proc; -1 elsewhere.
         */
        private long compilerTicks() {
            long ticks = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    }
                    catch (IOException gone) { // the thread ended meanwhile
                        continue;
                    }
                    // "tid (name) state ...": the name may hold spaces
                    int nameEnd = stat.lastIndexOf(')');
                    if (stat.substring(stat.indexOf('(') + 1, nameEnd).contains("CompilerThre")) {
                        // from field 3, state
                        String[] fields = stat.substring(nameEnd + 2).split(" ");
                        // utime, stime
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                }
            }
            catch (IOException | RuntimeException noProc) {
                return -1;
            }
            return ticks;
        }

        /**
         * Stops the service (SIGSTOP) for the reference's rounds, which run beside it:
         * idle, it still wakes a few dozen times a second (timers, its store writer's
         * last batch), and none of that should land on the reference.
         */
        void freeze() throws IOException, InterruptedException {
            signal("-STOP");
        }

        /** Lets it go on (SIGCONT); nothing happens to a service that runs. */
        void thaw() throws IOException, InterruptedException {
            signal("-CONT");
        }

        private void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid() + " failed");
            }
        }

        long peakRssMb() throws IOException {
            return statusKb("VmHWM") / 1024;
        }

        long rssMb() throws IOException {
            return statusKb("VmRSS") / 1024;
        }

        private long statusKb(String field) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        @Override
        public void close() throws InterruptedException, IOException {
            thaw(); // a stopped process would only act on SIGTERM once continued
            this.process.destroy();
            this.process.waitFor();
        }
    }

    /**
     * Starts a receiver process and waits for the "ready" line it prints once its ports
     * are bound.
     */
    static Process startReady(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(out.readLine())) {
            process.destroyForcibly();
            throw new IllegalStateException("did not start: " + String.join(" ", command));
        }
        return process;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** {@link BareReceiver} as its own JVM, on two free ports. */
    static Rounds.Receiver startBareJava() throws IOException {
        int image = freePort();
        int list = freePort();
        Process process = startReady(List.of("java", BARE_HEAP, "-cp", System.getProperty("java.class.path"),
                BareReceiver.class.getName(), String.valueOf(image), String.valueOf(list)));
        return new Rounds.Receiver(process, loopback(image), loopback(list));
    }

    /**
     * {@code tutorial_server.py}, the repository's Python receiver with the tutorial's
     * wire behaviour (checked against the reference peers by TutorialPeersConformanceIT).
     */
    static final class ReferenceProcess {

        static final Path PYTHON = Path.of("/usr/bin/python3");

        static final String SERVER = "tutorial_server.py";

        static boolean available(Path clients) throws InterruptedException {
            try {
                return Files.isRegularFile(clients.resolve(SERVER))
                        && new ProcessBuilder(PYTHON.toString(), "-c", "import cv2, numpy").start().waitFor() == 0;
            }
            catch (IOException ex) {
                return false;
            }
        }

        /** On two free ports. */
        static Rounds.Receiver start(Path clients) throws IOException {
            int image = freePort();
            int list = freePort();
            Process process = startReady(List.of(PYTHON.toString(), clients.resolve(SERVER).toString(),
                    String.valueOf(image), String.valueOf(list)));
            return new Rounds.Receiver(process, loopback(image), loopback(list));
        }

        private ReferenceProcess() {
        }

    }

    private Processes() {
    }

}
