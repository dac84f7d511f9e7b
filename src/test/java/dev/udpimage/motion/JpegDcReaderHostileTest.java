package dev.udpimage.motion;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Broken, truncated and random bytes: the DC reader refuses them with its own exceptions,
 * or reads an image of the size the header claims; it never hangs, and never allocates
 * more than that size justifies (the test JVM's heap would not hold what a 60000x60000
 * header claims).
 */
class JpegDcReaderHostileTest {

    private static final Duration GENEROUS = Duration.ofSeconds(10);

    private final JpegDcReader reader = new JpegDcReader();

    @Test
    void truncatedAtEveryOffsetIsCorruptUntilTheEndOfItsScan() {
        for (Jpegs.Options options : new Jpegs.Options[] { Jpegs.Options.quality(0.85f),
                Jpegs.Options.quality(0.6f).sampling(1, 1).restartInterval(2) }) {
            byte[] jpeg = Jpegs.jpeg(Jpegs.scene(48, 40, 3), options);
            byte[] whole = this.reader.read(jpeg).pixels();
            int endOfScan = jpeg.length - 2; // then EOI
            assertTimeoutPreemptively(GENEROUS, () -> {
                for (int length = 0; length < jpeg.length; length++) {
                    byte[] truncated = Arrays.copyOf(jpeg, length);
                    if (length < endOfScan) {
                        int cut = length;
                        assertThatThrownBy(() -> this.reader.read(truncated)).as("cut at %d", cut)
                            .isInstanceOfAny(JpegDcReader.Corrupt.class, JpegDcReader.Unsupported.class);
                    }
                    else { // all but EOI: the image is whole
                        assertThat(this.reader.read(truncated).pixels()).isEqualTo(whole);
                    }
                }
            });
        }
    }

    @Test
    void truncatedCameraFrames() {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(640, 480, 4), 0.85f);
        assertTimeoutPreemptively(GENEROUS, () -> {
            for (int length = 97; length < jpeg.length - 2; length += 97) {
                byte[] truncated = Arrays.copyOf(jpeg, length);
                assertThatThrownBy(() -> this.reader.read(truncated)).isInstanceOf(JpegDcReader.Corrupt.class);
            }
        });
    }

    @Test
    void flippedBytes() {
        byte[][] originals = { Jpegs.jpeg(Jpegs.scene(64, 48, 5), 0.85f),
                Jpegs.jpeg(Jpegs.scene(40, 24, 6), Jpegs.Options.quality(0.9f).sampling(1, 1).restartInterval(1)),
                new FlatJpeg(37, 21).scans(new int[] { 1 }, new int[] { 0 }, new int[] { 2 })
                    .restartInterval(3)
                    .write((x, y) -> x * 9) };
        Random random = new Random(42);
        assertTimeoutPreemptively(GENEROUS, () -> {
            for (byte[] original : originals) {
                for (int round = 0; round < 3000; round++) {
                    byte[] damaged = original.clone();
                    for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                        int at = random.nextInt(damaged.length);
                        damaged[at] = (round % 2 == 0) ? (byte) random.nextInt(256)
                                : (byte) (damaged[at] ^ 1 << random.nextInt(8));
                    }
                    readOrRefuse(damaged);
                }
            }
        });
    }

    @Test
    void randomBytes() {
        Random random = new Random(7);
        assertTimeoutPreemptively(GENEROUS, () -> {
            for (int round = 0; round < 5000; round++) {
                byte[] bytes = new byte[random.nextInt(2000)];
                random.nextBytes(bytes);
                if (round % 2 == 0 && bytes.length > 3) { // past the first check
                    bytes[0] = (byte) 0xFF;
                    bytes[1] = (byte) 0xD8;
                    bytes[2] = (byte) 0xFF;
                }
                readOrRefuse(bytes);
            }
        });
    }

    @Test
    void randomDataAfterAValidHeader() {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(320, 240, 8), 0.85f);
        int scan = jpeg.length - 1;
        while (!(jpeg[scan] == (byte) 0xFF && jpeg[scan + 1] == (byte) 0xDA)) {
            scan--;
        }
        int data = scan + 2 + ((jpeg[scan + 2] & 0xff) << 8 | (jpeg[scan + 3] & 0xff));
        Random random = new Random(9);
        assertTimeoutPreemptively(GENEROUS, () -> {
            for (int round = 0; round < 300; round++) {
                byte[] noise = jpeg.clone();
                for (int i = data; i < noise.length; i++) {
                    noise[i] = (byte) random.nextInt(round % 3 == 0 ? 255 : 256); // some
                                                                                  // rounds
                                                                                  // with
                                                                                  // no FF
                }
                readOrRefuse(noise);
            }
        });
    }

    @Test
    void aHugeHeaderIsRefusedBeforeAnythingIsAllocated() {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(64, 48, 1), 0.85f);
        byte[] huge = JpegFiles.withSize(jpeg, 60000, 60000);
        assertTimeoutPreemptively(GENEROUS, () -> {
            assertThatThrownBy(() -> this.reader.read(huge)).isInstanceOf(JpegDcReader.Unsupported.class);
            // allowed, it is read: the data ends long before the blocks do
            assertThatThrownBy(() -> this.reader.read(huge, Long.MAX_VALUE)).isInstanceOf(JpegDcReader.Corrupt.class);
        });
    }

    /**
     * A refusal or an image; nothing else (no IndexOutOfBounds, no NegativeArraySize).
     */
    private void readOrRefuse(byte[] bytes) {
        try {
            LumaImage luma = this.reader.read(bytes);
            assertThat(luma.pixels()).hasSize(luma.width() * luma.height());
        }
        catch (JpegDcReader.Corrupt | JpegDcReader.Unsupported expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

}
