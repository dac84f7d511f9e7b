package dev.udpimage.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.udpimage.support.Commands;

/**
 * Runs the project's own Python peers in the tutorial's wire behaviour
 * ({@code clients/python/tutorial_server.py} and {@code tutorial_client.py}, which
 * {@link TutorialPeersConformanceIT} checks against the shared reference peers) with
 * Debian's {@code /usr/bin/python3} (which has {@code python3-opencv} and
 * {@code python3-numpy} once {@code .ci/run} installed them). Outside CI a machine
 * without them skips these tests; in CI ({@code CI=true}) their absence is a failure.
 */
final class SeedProto {

    static final Path PYTHON = Commands.PYTHON;

    static final Path DIR = Path.of("clients/python").toAbsolutePath().normalize();

    static final Path CLIENT = DIR.resolve("tutorial_client.py");

    static final Path SERVER = DIR.resolve("tutorial_server.py");

    private SeedProto() {
    }

    static void requireAvailable() {
        String missing = null;
        if (!Files.isRegularFile(CLIENT)) {
            missing = "no " + CLIENT;
        }
        else if (!Commands.hasPythonOpenCv()) {
            missing = PYTHON + " cannot import cv2 and numpy (apt-get install python3-opencv python3-numpy)";
        }
        Commands.require(missing == null, "the Python reference peers: " + missing);
    }

    record Result(int exitCode, String output) {
    }

    /**
     * Runs tutorial_client.py with the given arguments and returns its exit code and
     * output.
     */
    static Result client(String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), CLIENT.toString()));
        command.addAll(List.of(args));
        return run(command, 120);
    }

    /**
     * Runs the project's own stdlib-only reliable-mode sender,
     * clients/python/reliable_send.py.
     */
    static Result reliableSender(String... args) {
        List<String> command = new ArrayList<>(
                List.of(PYTHON.toString(), Path.of("clients/python/reliable_send.py").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return run(command, 120);
    }

    /** Runs the project's paced legacy sender, clients/python/legacy_send.py. */
    static Result legacySender(String... args) {
        List<String> command = new ArrayList<>(
                List.of(PYTHON.toString(), Path.of("clients/python/legacy_send.py").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return run(command, 120);
    }

    /** Starts tutorial_server.py on the given ports and waits until it prints "ready". */
    static Process server(int imagePort, int listPort) {
        return server(SERVER, imagePort, listPort);
    }

    /**
     * Starts tutorial_server.py ahead of this machine's other processes (nice -15, where
     * allowed): for a test of what the receiver keeps up with when it has its CPU, while
     * the other test JVM keeps the two cores busy.
     */
    static Process serverFirstInLine(int imagePort, int listPort) {
        List<String> nice = List.of("nice", "-n", "-15");
        List<String> check = new ArrayList<>(nice);
        check.add("true");
        try {
            // where it may (root with CAP_SYS_NICE): nice says so on stderr otherwise
            Commands.Result allowed = Commands.run(check, 10);
            return server(SERVER, imagePort, listPort,
                    allowed.exit() == 0 && allowed.output().isBlank() ? nice : List.of());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * An image port and a list port for a server script, free now: two loopback UDP ports
     * of the kernel's ephemeral range, where the service's {@code /send} may send. The
     * script binds them at once.
     */
    static int[] receiverPorts() throws IOException {
        try (DatagramSocket image = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramSocket list = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return new int[] { image.getLocalPort(), list.getLocalPort() };
        }
    }

    /** Starts a server script on the given ports and waits until it prints "ready". */
    static Process server(Path script, int imagePort, int listPort) {
        return server(script, imagePort, listPort, List.of());
    }

    private static Process server(Path script, int imagePort, int listPort, List<String> prefix) {
        try {
            // nice execs the script: one process, which destroy() ends
            List<String> command = new ArrayList<>(prefix);
            command.addAll(
                    List.of(PYTHON.toString(), script.toString(), String.valueOf(imagePort), String.valueOf(listPort)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (!"ready".equals(line)) {
                process.destroyForcibly();
                throw new IllegalStateException(script.getFileName() + " did not start: " + line);
            }
            return process;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static Result run(List<String> command, int timeoutSeconds) {
        try {
            Commands.Result result = Commands.run(command, timeoutSeconds);
            return new Result(result.exit(), result.output());
        }
        catch (IOException ex) {
            return new Result(-1, ex.toString());
        }
    }

}
