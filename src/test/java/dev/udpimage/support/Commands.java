package dev.udpimage.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of this machine for a test: its exit code and its output (stderr with
 * stdout).
 */
public final class Commands {

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
