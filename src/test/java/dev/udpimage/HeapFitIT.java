package dev.udpimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The service as its own process with a small heap ({@code -Xmx192m}): the default
 * history and transfer limits (64 MB + 96 MB) do not fit in three quarters of it, and the
 * start is refused at once with the settings to change; with them lowered it starts.
 */
class HeapFitIT {

    private static final Path LOG = Path.of("target", "heap-fit-test.log");

    private static ProcessBuilder start(String... settings) {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), UdpImageServiceApplication.class.getName(), "--server.port=0",
                "--udp.image-port=0", "--udp.list-port=0", "--udp.bind-address=127.0.0.1", "--udp.store.dir=",
                "--spring.main.banner-mode=off"));
        command.addAll(List.of(settings));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    @Test
    void settingsThatCannotFitTheHeapAreRefusedAtStart() throws Exception {
        Process service = start().redirectOutput(LOG.toFile()).start();
        try {
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).as("the service stopped by itself").isTrue();
            String output = Files.readString(LOG);
            assertThat(service.exitValue()).as("exit code").isNotZero();
            assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("udp.store.max-bytes, twice udp.transfer.max-inflight-bytes (legacy and reliable), "
                        + "udp.streams.max-bytes and udp.motion.max-cameras' detectors, with 101MB of fixed buffers "
                        + "(and 8MB more for the motion analysis, 5MB for MQTT), must fit in three quarters of the heap")
                .doesNotContain("OutOfMemoryError");
        }
        finally {
            service.destroyForcibly();
        }
    }

    @Test
    void loweredToFitTheServiceStarts() throws Exception {
        // 8 + 2 x 8 + 8 MB, and the 101 MB of fixed buffers: 133 MB of the 144 MB allowed
        Process service = start("--udp.store.max-bytes=8MB", "--udp.transfer.max-image-bytes=8MB",
                "--udp.transfer.max-inflight-bytes=8MB", "--udp.streams.max-bytes=8MB", "--udp.motion.enabled=false")
            .start();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder output = new StringBuilder();
            boolean started = false;
            for (String line = lines.readLine(); line != null && !started; line = lines.readLine()) {
                output.append(line).append('\n');
                started = line.contains("Started UdpImageServiceApplication");
            }
            assertThat(started).as("started; it printed:%n%s", output).isTrue();
        }
        finally {
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }

}
