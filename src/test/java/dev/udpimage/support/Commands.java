package dev.udpimage.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not finish");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
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
     * A tool a test needs: without it the test is skipped on a developer's machine, and
     * fails in CI ({@code CI=true}), which installs every tool.
     * @param missing what is missing, and how to install it
     */
    public static void require(boolean present, String missing) {
        if (!present) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI installs this, yet: " + missing);
            }
            Assumptions.abort(missing);
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
