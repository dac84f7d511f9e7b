package dev.udpimage.motion;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DC reader against the JDK's decoder (libjpeg): each pixel of the 1/8-scale image is
 * the mean of its 8x8 block of the decoded image.
 *
 * <p>
 * Two references. The decoded Y channel (the JPEG reader's raster, before colour
 * conversion) differs from the DC only by the inverse DCT's rounding and its clamping to
 * 0..255: within a level and a half inside the image. At its right and bottom edges a
 * block's mean also covers the encoder's padding, which the decoder decodes (with its
 * quantisation error) and drops: within 4 of the decoded pixels with the last column and
 * row repeated. The BT.601 luma of the decoded RGB picture also carries the colour
 * conversion's rounding and clamping (a saturated colour's R, G or B clipped at 0 or 255
 * changes its luma) and the upsampled chroma's effect on them: a few levels at strong
 * colour edges, hence a bound of 8 on any block and 2 on the mean.
 */
class JpegDcReaderTest {

    private final JpegDcReader reader = new JpegDcReader();

    static Stream<Arguments> layouts() {
        return Stream.of(
                // name, width, height, luma H, luma V, quality
                Arguments.of("4:2:0", 640, 480, 2, 2, 0.85f), Arguments.of("4:2:0", 641, 479, 2, 2, 0.75f),
                Arguments.of("4:2:0", 1280, 720, 2, 2, 0.9f), Arguments.of("4:2:0", 17, 9, 2, 2, 0.5f),
                Arguments.of("4:2:0", 1, 1, 2, 2, 0.85f), Arguments.of("4:2:2", 640, 480, 2, 1, 0.85f),
                Arguments.of("4:2:2", 101, 37, 2, 1, 1.0f), Arguments.of("4:4:4", 640, 480, 1, 1, 0.85f),
                Arguments.of("4:4:4", 9, 17, 1, 1, 0.3f), Arguments.of("4:4:0", 333, 222, 1, 2, 0.9f),
                Arguments.of("4:1:1", 200, 100, 4, 1, 0.8f), Arguments.of("3x2", 250, 130, 3, 2, 0.95f),
                Arguments.of("4x2", 130, 250, 4, 2, 0.6f));
    }

    @ParameterizedTest(name = "{0} {1}x{2} q{5}")
    @MethodSource("layouts")
    void eachPixelIsTheMeanOfItsBlock(String name, int width, int height, int lumaH, int lumaV, float quality) {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(width, height, width + height),
                Jpegs.Options.quality(quality).sampling(lumaH, lumaV));

        LumaImage luma = this.reader.read(jpeg);

        assertThat(luma.width()).isEqualTo((width + 7) / 8);
        assertThat(luma.height()).isEqualTo((height + 7) / 8);
        assertCloseToDecodedY(luma, jpeg);
        assertCloseToDecodedLuma(luma, jpeg);
    }

    @Test
    void greyscale() {
        for (int[] size : new int[][] { { 640, 480 }, { 641, 479 }, { 1, 1 }, { 17, 9 } }) {
            BufferedImage grey = Jpegs.greyScene(size[0], size[1], 3);
            byte[] jpeg = Jpegs.jpeg(grey, 0.8f);
            assertThat(jpeg[jpeg.length - 2]).isEqualTo((byte) 0xFF);

            LumaImage luma = this.reader.read(jpeg);

            assertCloseToDecodedY(luma, jpeg); // a grey JPEG's raster is its only channel
            assertCloseToDecodedLuma(luma, jpeg);
        }
    }

    @Test
    void restartIntervalsDoNotChangeTheImage() {
        BufferedImage scene = Jpegs.scene(641, 479, 11);
        LumaImage without = this.reader.read(Jpegs.jpeg(scene, Jpegs.Options.quality(0.85f)));
        // 1: a marker after every MCU, 7: one that divides no row, 1000: more than there
        // are
        // MCUs
        for (int interval : new int[] { 1, 2, 7, 40, 1000 }) {
            for (int[] sampling : new int[][] { { 2, 2 }, { 1, 1 } }) {
                byte[] jpeg = Jpegs.jpeg(scene,
                        Jpegs.Options.quality(0.85f).sampling(sampling[0], sampling[1]).restartInterval(interval));
                assertThat(JpegFiles.hasMarker(jpeg, 0xDD)).isTrue();

                LumaImage luma = this.reader.read(jpeg);

                assertCloseToDecodedY(luma, jpeg);
                if (sampling[0] == 2) {
                    assertThat(luma.pixels()).as("restart interval " + interval).isEqualTo(without.pixels());
                }
            }
        }
    }

    @Test
    void aRestartMarkerAfterTheLastMcuIsHarmless() {
        IntBinaryOperator means = (x, y) -> x * 20 + y;
        byte[] jpeg = new FlatJpeg(64, 48).restartInterval(3).write(means); // 12 MCUs:
                                                                            // RST0..RST2
        byte[] trailing = Arrays.copyOf(jpeg, jpeg.length + 2);
        trailing[jpeg.length - 2] = (byte) 0xFF;
        trailing[jpeg.length - 1] = (byte) 0xD3;
        trailing[jpeg.length] = (byte) 0xFF;
        trailing[jpeg.length + 1] = (byte) 0xD9;

        assertExactly(this.reader.read(trailing), 8, 6, means);
    }

    @Test
    void sixteenBitQuantisationTables() {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(320, 240, 5), 0.85f);
        byte[] wide = JpegFiles.withSixteenBitTables(jpeg);
        assertThat(wide.length).isGreaterThan(jpeg.length);

        LumaImage luma = this.reader.read(wide);

        assertThat(luma.pixels()).isEqualTo(this.reader.read(jpeg).pixels());
        assertCloseToDecodedY(luma, wide);
    }

    @Test
    void quantisationStepsAbove255() {
        // 16-bit steps are for 12-bit JPEGs, but libjpeg reads them with 8-bit samples
        // too
        IntBinaryOperator means = (x, y) -> (x * 37 + y * 11) % 256;
        byte[] jpeg = new FlatJpeg(100, 60).dcStep(300).write(means);

        LumaImage luma = this.reader.read(jpeg);

        IntBinaryOperator quantised = (x, y) -> {
            int dc = Math.round((means.applyAsInt(x, y) - 128) * 8 / 300f);
            return Math.max(0, Math.min(255, Math.round(dc * 300 / 8f) + 128));
        };
        assertExactly(luma, 13, 8, quantised);
        assertCloseToDecodedY(luma, jpeg);
    }

    @Test
    void lumaSampledLessDenselyThanChromaCoversTwoBlocksPerPixel() {
        // a luma block covers 16x16 pixels: its mean is repeated over 2x2 pixels
        IntBinaryOperator means = (x, y) -> (x * 37 + y * 11) % 256;
        byte[] flat = new FlatJpeg(200, 120).sampling(new int[] { 1, 2, 2 }, new int[] { 1, 2, 2 }).write(means);

        assertExactly(this.reader.read(flat), 25, 15, (x, y) -> means.applyAsInt(x / 2, y / 2));

        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(200, 120, 9), Jpegs.Options.quality(0.9f).sampling(1, 1, 2, 2));
        LumaImage luma = this.reader.read(jpeg);
        double[][] means16 = Jpegs.cellMeans(Jpegs.band(Jpegs.decodedY(jpeg), 0), 16);
        double[][] repeated = new double[15][25];
        for (int y = 0; y < 15; y++) {
            for (int x = 0; x < 25; x++) {
                repeated[y][x] = means16[y / 2][x / 2];
            }
        }
        // libjpeg's upsampling of luma blends each 16x16 cell with its neighbours: only
        // on the whole are the means the same
        assertThat(Jpegs.Difference.of(luma, repeated).mean()).isLessThan(1.5);
    }

    @Test
    void nonInterleavedScansInAnyOrder() {
        IntBinaryOperator means = (x, y) -> (x * 37 + y * 11) % 200 + 20;
        int[][][] orders = { { { 0 }, { 1 }, { 2 } }, { { 1 }, { 0 }, { 2 } }, { { 2 }, { 1 }, { 0 } },
                { { 1, 2 }, { 0 } } };
        for (int[][] order : orders) {
            for (int interval : new int[] { 0, 5 }) {
                byte[] jpeg = new FlatJpeg(203, 101).scans(order).restartInterval(interval).write(means);

                LumaImage luma = this.reader.read(jpeg);

                assertExactly(luma, 26, 13, means);
                assertCloseToDecodedLuma(luma, jpeg);
            }
        }
    }

    @Test
    void interleavedFlatBlocksComeOutExactly() {
        IntBinaryOperator means = (x, y) -> (x * 53 + y * 29) % 256;
        for (int[] size : new int[][] { { 17, 9 }, { 1, 1 }, { 16, 16 }, { 33, 47 }, { 640, 480 } }) {
            for (int interval : new int[] { 0, 1, 3 }) {
                byte[] jpeg = new FlatJpeg(size[0], size[1]).restartInterval(interval).write(means);

                assertExactly(this.reader.read(jpeg), (size[0] + 7) / 8, (size[1] + 7) / 8, means);
            }
        }
    }

    @Test
    void greyscaleWithSamplingFactorsIsOneBlockPerMcu() {
        // one component: never interleaved, whatever its sampling factors say
        IntBinaryOperator means = (x, y) -> (x * 7 + y * 3) % 256;
        byte[] jpeg = new FlatJpeg(41, 23).sampling(new int[] { 2 }, new int[] { 2 })
            .scans(new int[] { 0 })
            .write(means);

        assertExactly(this.reader.read(jpeg), 6, 3, means);
        assertCloseToDecodedY(this.reader.read(jpeg), jpeg);
    }

    static void assertExactly(LumaImage luma, int width, int height, IntBinaryOperator means) {
        assertThat(luma.width()).isEqualTo(width);
        assertThat(luma.height()).isEqualTo(height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertThat(luma.at(x, y)).as("block %d, %d", x, y).isEqualTo(means.applyAsInt(x, y));
            }
        }
    }

    @Test
    void appAndCommentSegmentsAndFillBytesAreSkipped() {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(64, 48, 4), 0.9f);
        byte[] decorated = JpegFiles.withSegmentsAndFillBytes(jpeg);

        assertThat(this.reader.read(decorated).pixels()).isEqualTo(this.reader.read(jpeg).pixels());
    }

    @Test
    void tablesAreRebuiltWhenTheyChangeBetweenImages() {
        BufferedImage scene = Jpegs.scene(160, 120, 6);
        for (float quality : new float[] { 0.5f, 0.9f, 0.5f, 1.0f }) {
            byte[] jpeg = Jpegs.jpeg(scene, Jpegs.Options.quality(quality));
            assertCloseToDecodedY(this.reader.read(jpeg), jpeg);
            byte[] optimised = Jpegs.jpeg(scene, Jpegs.Options.quality(quality).withOptimisedHuffman());
            assertCloseToDecodedY(this.reader.read(optimised), optimised);
        }
    }

    /**
     * Blocks inside the image against the means of the decoded Y's 8x8 blocks; blocks at
     * the right and bottom edges, whose pixels beyond the edge the encoder made up and
     * the decoder drops, against the decoded pixels with the last column and row
     * repeated, as libjpeg pads them when it encodes.
     */
    static void assertCloseToDecodedY(LumaImage luma, byte[] jpeg) {
        double[][] decoded = Jpegs.band(Jpegs.decodedY(jpeg), 0);
        Jpegs.Difference inside = Jpegs.Difference.inside(luma, Jpegs.blockMeans(decoded), decoded);
        Jpegs.Difference edges = Jpegs.Difference.of(luma, Jpegs.blockMeans(decoded));
        assertThat(inside.mean()).as("mean difference from the decoded Y").isLessThan(0.5);
        // half a level for the rounding of the 64 decoded pixels, half for ours
        assertThat(inside.max()).as("largest difference from the decoded Y").isLessThanOrEqualTo(1.5);
        // and the quantisation's error in the padding
        assertThat(edges.max()).as("largest difference from the decoded Y at the edges").isLessThanOrEqualTo(4.0);
    }

    /** As {@link #assertCloseToDecodedY}, with the colour conversion's error too. */
    static void assertCloseToDecodedLuma(LumaImage luma, byte[] jpeg) {
        Jpegs.Difference difference = Jpegs.Difference.of(luma, Jpegs.blockMeans(Jpegs.luma(Jpegs.decode(jpeg))));
        assertThat(difference.mean()).as("mean difference from the decoded RGB's luma").isLessThan(2.0);
        assertThat(difference.max()).as("largest difference from the decoded RGB's luma").isLessThanOrEqualTo(8.0);
    }

}
