package dev.udpimage.recording.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.udpimage.support.Commands;
import dev.udpimage.support.MachineLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Foxglove's own MCAP readers, from npm at pinned versions, and {@code read-mcap.mjs}
 * which runs them on a file: installed once into {@code target/mcap-readers} for every
 * test of the run that reads MCAP.
 */
final class McapReaders {

    static final List<String> PACKAGES = List.of("@mcap/core@2.2.2", "@foxglove/rosmsg@5.0.5",
            "@foxglove/rosmsg2-serialization@3.1.0");

    private static final Path DIR = Path.of("target", "mcap-readers").toAbsolutePath();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static boolean installed;

    private McapReaders() {
    }

    /** Installs them unless this run has (or skips the test without node). */
    static synchronized void install() throws IOException {
        if (installed) {
            return;
        }
        Commands.require(Files.isExecutable(Path.of("/usr/bin/node")) && Files.isExecutable(Path.of("/usr/bin/npm")),
                "node and npm (apt-get install nodejs npm)");
        // once for the build, whichever test JVM asks first (the other may be reading):
        // again when the packages or the script change
        try (MachineLock lock = MachineLock.take("mcap-readers")) {
            Path done = DIR.resolve(".installed");
            String packages = String.join(" ", PACKAGES);
            if (!Files.exists(done) || !Files.readString(done).equals(packages)) {
                Files.createDirectories(DIR);
                List<String> command = new ArrayList<>(List.of("npm", "install", "--no-save", "--no-audit", "--no-fund",
                        "--no-package-lock", "--prefix", DIR.toString()));
                command.addAll(PACKAGES);
                Commands.Result result = Commands.run(command, 300);
                assertThat(result.exit()).as(result.output()).isZero();
                Files.writeString(done, packages);
            }
            byte[] script;
            try (InputStream in = McapReaders.class.getResourceAsStream("read-mcap.mjs")) {
                script = in.readAllBytes();
            }
            Path file = DIR.resolve("read-mcap.mjs");
            if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), script)) {
                Files.write(file, script);
            }
        }
        installed = true;
    }

    /** Runs read-mcap.mjs on the file: what it printed, one JSON object per line. */
    static List<JsonNode> read(Path file) throws IOException {
        install();
        Commands.Result result = Commands.run(List.of("node", DIR.resolve("read-mcap.mjs").toString(), file.toString()),
                300);
        String output = result.output();
        assertThat(result.exit())
            .as("the end of what it printed: %s", output.substring(Math.max(0, output.length() - 4_000)))
            .isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The lines of {@link #read} whose {@code key} is {@code value}. */
    static List<JsonNode> lines(List<JsonNode> read, String key, String value) {
        return read.stream().filter(line -> line.path(key).asString("").equals(value)).toList();
    }

}
