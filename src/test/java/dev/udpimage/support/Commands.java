package dev.udpimage.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs a command of this machine for a test: its exit code and its output (stderr with
 * stdout).
 */
public final class Commands {

    /** Debian's Python, which has python3-opencv. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private Commands() {
    }

    public record Result(int exit, String output) {
    }

    /**
     * @return the exit code and output; exit -1 if it did not finish within
     * {@code timeoutSeconds} (it is killed)
     */
    public static Result run(List<String> command, int timeoutSeconds) throws IOException {
        return run(command, Map.of(), timeoutSeconds);
    }

    /**
     * {@link #run(List, int)} with more environment variables.
     */
    public static Result run(List<String> command, Map<String, String> environment, int timeoutSeconds)
            throws IOException {
        // the output goes to a file, so that the timeout holds whatever the command
        // prints (reading a pipe to its end first would wait for as long as it runs)
        Path output = Files.createTempFile("command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not finish within " + timeoutSeconds
                        + " s; it printed: " + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * Whether {@code /usr/bin/python3} imports OpenCV and numpy (Debian's python3-opencv
     * and python3-numpy): the camera client and the Python reference peers need them.
     */
    public static boolean hasPythonOpenCv() {
        try {
            return Files.isExecutable(PYTHON)
                    && run(List.of(PYTHON.toString(), "-c", "import cv2, numpy"), 60).exit() == 0;
        }
        catch (IOException ex) {
            return false;
        }
    }

    /**
     * What a test needs of this machine (a tool, root, a second host, epoll, Python, a
     * browser, a server): the one place that decides. Without it the test is skipped on a
     * developer's machine, and fails in CI ({@code CI=true}, which {@code .ci/run}
     * exports), which installs and has everything.
     * @param missing what is missing, and how to get it
     */
    public static void require(boolean present, String missing) {
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI installs this, yet: " + missing);
            }
            Assumptions.abort(missing);
        }
    }

    /**
     * Runs a pinned npm tool through npx (it fetches it from the npm registry once),
     * where npx is installed ({@link #require}); one run of a tool at a time.
     * @param tool the package at its version, e.g. {@code httpyac@6.16.7}
     */
    public static Result npx(String tool, List<String> arguments, int timeoutSeconds) throws IOException {
        require(Files.isExecutable(Path.of("/usr/bin/npx")), "npx (apt-get install nodejs npm)");
        List<String> command = new ArrayList<>(List.of("npx", "--yes", tool));
        command.addAll(arguments);
        // two test JVMs fetching the same tool into npx's cache at once can break it
        try (MachineLock lock = MachineLock.take("npx-" + tool.replaceAll("[^A-Za-z0-9]", "-"))) {
            return run(command, timeoutSeconds);
        }
    }

    /** Whether the tests run as root (mounts, network namespaces). */
    public static boolean isRoot() {
        try {
            return run(List.of("id", "-u"), 10).output().strip().equals("0");
        }
        catch (IOException ex) {
            return false;
        }
    }

}
