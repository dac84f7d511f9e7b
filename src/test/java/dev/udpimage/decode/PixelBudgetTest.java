package dev.udpimage.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.udpimage.protocol.Rejection;
import dev.udpimage.support.PixelBombs;
import dev.udpimage.support.TestImages;

/**
 * Pixel bombs in every format ImageIO reads: identification refuses what claims more than
 * the pixel budget, and decoding what is within it never yields more pixels than one
 * decode's share.
 */
class PixelBudgetTest {

    private final ImageDecoder identifier = new ImageDecoder(50_000_000);

    private final PixelDecoder decoder = new PixelDecoder();

    @ParameterizedTest
    @ValueSource(strings = { "png", "gif2", "gif256", "bmp", "jpeg", "tiff", "wbmp" })
    void aHeaderOverTheBudgetIsRefusedFromTheHeaderAlone(String format) {
        // the bombs are real images of their format: small claims are identified as such
        assertThat(this.identifier.identify(PixelBombs.of(format, 64, 48)))
            .isEqualTo(new ImageDecoder.Identified(format.replaceAll("[0-9]", "").replace("tiff", "tif"), 64, 48));
        for (int side : new int[] { 16000, 30000, 65535 }) {
            byte[] bomb = PixelBombs.of(format, side, side);
            assertThat(bomb.length).isLessThan(2000);
            // the JDK's own readers refuse some: a BMP or WBMP shorter than its pixels,
            // a JPEG over 65 500 pixels wide
            boolean jdkRefuses = format.equals("bmp") || format.equals("wbmp")
                    || (format.equals("jpeg") && side > 65500);
            assertThatThrownBy(() -> this.identifier.identify(bomb)).isInstanceOf(Rejection.class)
                .satisfies(ex -> assertThat(((Rejection) ex).reason())
                    .isEqualTo(jdkRefuses ? Rejection.Reason.UNDECODABLE : Rejection.Reason.TOO_MANY_PIXELS));
        }
    }

    /** (The JDK refuses BMP and WBMP files shorter than their pixels: no bombs there.) */
    @ParameterizedTest
    @ValueSource(strings = { "png", "gif2", "gif256", "jpeg", "tiff" })
    void withinTheBudgetPixelsAreDecodedSubsampledOrRefusedNeverWhole(String format) {
        byte[] bomb = PixelBombs.of(format, 7000, 7000); // 49 MP, just within the budget
        assertThat(bomb.length).isLessThan(2000);
        this.identifier.identify(bomb);
        long started = System.nanoTime();
        try {
            BufferedImage image = this.decoder.decode(bomb, decoded -> decoded);
            assertThat((long) image.getWidth() * image.getHeight())
                .isLessThanOrEqualTo(PixelDecoder.MAX_DECODED_PIXELS);
            assertThat(image.getWidth()).isEqualTo(ceilDiv(7000, PixelDecoder.subsampling(7000, 7000)));
        }
        catch (PixelDecoder.UndecodableException ex) {
            // truncated pixel data may be refused: that is a 422, never an Error
        }
        catch (PixelDecoder.BusyException ex) {
            throw new AssertionError("nothing else decodes", ex);
        }
        assertThat(System.nanoTime() - started).as("one decode's time").isLessThan(30_000_000_000L);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 639, 2048, 2049, 4097, 7000, 65535 })
    void subsamplingFitsOneDecodesShare(int side) {
        int step = PixelDecoder.subsampling(side, side);
        long decoded = (long) ceilDiv(side, step) * ceilDiv(side, step);
        assertThat(decoded).isLessThanOrEqualTo(PixelDecoder.MAX_DECODED_PIXELS);
        if (step > 1) { // and is the finest that does
            long finer = (long) ceilDiv(side, step - 1) * ceilDiv(side, step - 1);
            assertThat(finer).isGreaterThan(PixelDecoder.MAX_DECODED_PIXELS);
        }
    }

    @org.junit.jupiter.api.Test
    void aRealImageIsDecodedWhole() throws Exception {
        byte[] jpeg = TestImages.jpeg(TestImages.photo(640, 480, 20, 1), 0.9f);
        BufferedImage image = this.decoder.decode(jpeg, decoded -> decoded);
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(480);
    }

    private static int ceilDiv(int value, int by) {
        return (value + by - 1) / by;
    }

}
