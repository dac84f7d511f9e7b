package dev.udpimage.motion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * JPEGs as the cameras' senders make them, with OpenCV's {@code cv2.imencode}: read the
 * fast way as the JDK's decoder reads them. Skipped where {@code /usr/bin/python3} has no
 * {@code cv2}.
 */
class OpenCvJpegTest {

    private static final String PYTHON = "/usr/bin/python3";

    /** Writes camera-like frames with the encoder settings the senders may use. */
    private static final String ENCODE = """
            import sys, cv2, numpy as np
            out = sys.argv[1]
            rng = np.random.default_rng(5)
            for (w, h) in ((640, 480), (1280, 720), (333, 250)):
                y, x = np.mgrid[0:h, 0:w]
                img = np.zeros((h, w, 3), np.float64)
                img[..., 0] = 200 - 120 * y / h
                img[..., 1] = 130 + 60 * y / h
                img[..., 2] = 90 + 110 * y / h + 20 * x / w
                for i in range(10):
                    cx, cy, r = rng.integers(0, w), rng.integers(0, h), rng.integers(5, h // 4)
                    color = rng.integers(0, 256, 3)
                    cv2.circle(img, (int(cx), int(cy)), int(r), [int(c) for c in color], -1)
                    cv2.rectangle(img, (int(cx), int(cy)), (int(cx + r), int(cy + r // 2)), [int(c) for c in color[::-1]], -1)
                img = np.clip(img + rng.normal(0, 4, img.shape), 0, 255).astype(np.uint8)
                settings = {
                    "q75": [cv2.IMWRITE_JPEG_QUALITY, 75],
                    "q90": [cv2.IMWRITE_JPEG_QUALITY, 90],
                    "q85-rst": [cv2.IMWRITE_JPEG_QUALITY, 85, cv2.IMWRITE_JPEG_RST_INTERVAL, 7],
                    "q85-optimised": [cv2.IMWRITE_JPEG_QUALITY, 85, cv2.IMWRITE_JPEG_OPTIMIZE, 1],
                    "q85-progressive": [cv2.IMWRITE_JPEG_QUALITY, 85, cv2.IMWRITE_JPEG_PROGRESSIVE, 1],
                }
                for name, params in settings.items():
                    ok, jpeg = cv2.imencode(".jpg", img, params)
                    open(f"{out}/{w}x{h}-{name}.jpg", "wb").write(jpeg.tobytes())
                ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), [cv2.IMWRITE_JPEG_QUALITY, 85])
                open(f"{out}/{w}x{h}-grey.jpg", "wb").write(jpeg.tobytes())
            """;

    @Test
    void openCvJpegsAreReadAsTheJdkReadsThem(@TempDir Path dir) throws Exception {
        assumeTrue(run(dir), "no python3 with cv2 here");
        JpegDcReader reader = new JpegDcReader();
        LumaSampler sampler = new LumaSampler();
        int files = 0;
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.sorted().toList()) {
                byte[] jpeg = Files.readAllBytes(file);
                String name = file.getFileName().toString();
                files++;
                if (name.contains("progressive")) {
                    assertThatThrownBy(() -> reader.read(jpeg)).isInstanceOf(JpegDcReader.Unsupported.class);
                    assertThat(sampler.sample(jpeg, 80, 80).fast()).isFalse();
                    continue;
                }
                LumaImage luma = reader.read(jpeg);
                JpegDcReaderTest.assertCloseToDecodedY(luma, jpeg);
                JpegDcReaderTest.assertCloseToDecodedLuma(luma, jpeg);
                assertThat(sampler.sample(jpeg, 80, 80).fast()).as(name).isTrue();
            }
        }
        assertThat(files).isEqualTo(18);
    }

    /** Whether the script ran (python3 and cv2 are there). */
    private static boolean run(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        Path script = Files.writeString(dir.resolve("encode.py"), ENCODE, StandardCharsets.UTF_8);
        Path log = dir.resolve("encode.log");
        Process python = new ProcessBuilder(PYTHON, script.toString(), dir.toString()).redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        boolean done = python.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            python.destroyForcibly();
        }
        String output = Files.readString(log);
        Files.delete(script);
        Files.delete(log);
        if (!done || output.contains("No module named")) {
            return false;
        }
        if (python.exitValue() != 0) {
            throw new IllegalStateException("the OpenCV script failed: " + output);
        }
        return true;
    }

}
