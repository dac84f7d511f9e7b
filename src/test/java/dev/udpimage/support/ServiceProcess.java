package dev.udpimage.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.udpimage.UdpImageServiceApplication;

/**
 * The service as a process of its own, on free ports of this machine, as the tests that
 * kill it or measure its heap need it:
 * {@code java <jvm options> -cp <the test classpath>} with its output in a log file.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;

    private final int httpPort;

    private final int imagePort;

    private final int listPort;

    private final Path log;

    private ServiceProcess(Process process, int[] ports, Path log) {
        this.process = process;
        this.httpPort = ports[0];
        this.imagePort = ports[1];
        this.listPort = ports[2];
        this.log = log;
    }

    /**
     * Starts it and waits until its health answers 200.
     * @param jvmOptions e.g. {@code @jvm.options}, or {@code -Xmx2g}
     * @param settings {@code --name=value} settings on top of free ports and loopback
     */
    public static ServiceProcess start(List<String> jvmOptions, Path log, String... settings) throws IOException {
        for (int attempt = 1;; attempt++) {
            int[] ports = { FreePorts.tcp(), FreePorts.udp(), FreePorts.udp() };
            try {
                return start(jvmOptions, ports, log, settings);
            }
            catch (PortTaken ex) {
                // a port found free was taken before the service bound it (another test
                // JVM)
                if (attempt == 3) {
                    throw ex;
                }
            }
        }
    }

    /**
     * {@link #start(List, Path, String...)} on given ports (to start it again on them).
     */
    public static ServiceProcess start(List<String> jvmOptions, int[] ports, Path log, String... settings)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), UdpImageServiceApplication.class.getName(),
                "--server.port=" + ports[0], "--udp.image-port=" + ports[1], "--udp.list-port=" + ports[2],
                "--udp.bind-address=127.0.0.1"));
        command.addAll(List.of(settings));
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        ServiceProcess service = new ServiceProcess(process, ports, log);
        try {
            service.awaitUp(logStart);
        }
        catch (RuntimeException | Error ex) {
            service.close();
            throw ex;
        }
        return service;
    }

    private void awaitUp(long logStart) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int lastStatus = 0;
        while (System.nanoTime() < deadline && this.process.isAlive()) {
            try {
                lastStatus = http().get("/actuator/health").status();
                if (lastStatus == 200) {
                    return;
                }
            }
            catch (RuntimeException starting) {
                // not yet
            }
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
        String output = logSince(logStart);
        String what = this.process.isAlive()
                ? "the service's health did not answer 200 within 60 s (last answer: "
                        + ((lastStatus != 0) ? lastStatus : "none") + ")"
                : "the service exited (code " + this.process.exitValue() + ") before its health answered 200";
        String message = what + "; " + this.log + " ends:\n" + tail(output, 40);
        // Netty: "Address already in use"; Tomcat's failure analysis: "Port N was already
        // in
        // use"
        if (!this.process.isAlive() && (output.contains("already in use") || output.contains("BindException"))) {
            throw new PortTaken(message);
        }
        throw new AssertionError(message);
    }

    private String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(this.log);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            return "(unreadable: " + ex + ")";
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** The service could not bind a port it was given. */
    static final class PortTaken extends AssertionError {

        PortTaken(String message) {
            super(message);
        }

    }

    public Http http() {
        return new Http(this.httpPort);
    }

    public int imagePort() {
        return this.imagePort;
    }

    public int listPort() {
        return this.listPort;
    }

    public long pid() {
        return this.process.pid();
    }

    public boolean isAlive() {
        return this.process.isAlive();
    }

    /** SIGKILL, and waits for the end. */
    public void kill() throws InterruptedException {
        this.process.destroyForcibly();
        this.process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * The heap in use right after a full collection ({@code jcmd GC.run}, then
     * {@code GC.heap_info}), in bytes.
     */
    public long heapAfterFullGc() throws IOException {
        Commands.Result gc = Commands.run(List.of("jcmd", String.valueOf(pid()), "GC.run"), 30);
        if (gc.exit() != 0) {
            throw new IOException("jcmd GC.run: " + gc.output());
        }
        Commands.Result info = Commands.run(List.of("jcmd", String.valueOf(pid()), "GC.heap_info"), 30);
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K")
            .matcher(info.output());
        if (info.exit() != 0 || !used.find()) {
            throw new IOException("jcmd GC.heap_info: " + info.output());
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    @Override
    public void close() {
        this.process.destroyForcibly();
        try {
            this.process.waitFor(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
