package dev.udpimage.motion;

import java.awt.image.BufferedImage;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the DC reader does not read is {@link JpegDcReader.Unsupported} (for the caller to
 * read it another way), what breaks the rules {@link JpegDcReader.Corrupt}.
 */
class JpegDcReaderRefusalTest {

    private final JpegDcReader reader = new JpegDcReader();

    private final byte[] baseline = Jpegs.jpeg(Jpegs.scene(64, 48, 2), 0.85f);

    @Test
    void progressive() {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(64, 48, 2), Jpegs.Options.quality(0.85f).inProgressiveMode());
        assertThat(JpegFiles.hasMarker(jpeg, 0xC2)).isTrue();

        assertUnsupported(jpeg, "progressive");
    }

    @Test
    void otherFrameTypes() {
        assertUnsupported(JpegFiles.withFrameMarker(this.baseline, 0xC3), "lossless");
        assertUnsupported(JpegFiles.withFrameMarker(this.baseline, 0xC5), "hierarchical");
        assertUnsupported(JpegFiles.withFrameMarker(this.baseline, 0xC9), "arithmetic");
        assertUnsupported(JpegFiles.withFrameMarker(this.baseline, 0xCA), "progressive");
        // SOF1, extended sequential, is read as baseline is
        assertThat(this.reader.read(JpegFiles.withFrameMarker(this.baseline, 0xC1)).pixels())
            .isEqualTo(this.reader.read(this.baseline).pixels());
    }

    @Test
    void twelveBitSamples() {
        assertUnsupported(JpegFiles.withFrameByte(this.baseline, 0, 12), "12-bit");
    }

    @Test
    void heightInADnlMarker() {
        byte[] jpeg = new FlatJpeg(64, 48).heightInDnl().write((x, y) -> 128);

        assertUnsupported(jpeg, "DNL");
    }

    @Test
    void rgbAndCmyk() {
        assertUnsupported(JpegFiles.withAdobeTransform(this.baseline, 0), "RGB");
        // Adobe's transform 1 is YCbCr
        assertThat(this.reader.read(JpegFiles.withAdobeTransform(this.baseline, 1)).pixels())
            .isEqualTo(this.reader.read(this.baseline).pixels());
        byte[] fourComponents = new FlatJpeg(16, 16).sampling(new int[] { 1, 1, 1, 1 }, new int[] { 1, 1, 1, 1 })
            .scans(new int[] { 0, 1, 2, 3 })
            .write((x, y) -> 128);
        assertUnsupported(fourComponents, "4 components");
    }

    @Test
    void notAJpeg() {
        BufferedImage image = Jpegs.scene(16, 16, 1);
        assertUnsupported(Jpegs.encode(image, "png"), "not a JPEG");
        assertUnsupported(Jpegs.encode(image, "bmp"), "not a JPEG");
        assertUnsupported(new byte[0], "not a JPEG");
        assertUnsupported(new byte[] { (byte) 0xFF, (byte) 0xD8 }, "not a JPEG");
    }

    @Test
    void moreThanTheAllowedPixels() {
        byte[] huge = JpegFiles.withSize(this.baseline, 60000, 60000);

        assertUnsupported(huge, "60000x60000");
        assertThatThrownBy(() -> this.reader.read(this.baseline, 64 * 48 - 1))
            .isInstanceOf(JpegDcReader.Unsupported.class)
            .hasMessageContaining("64x48");
        assertThat(this.reader.read(this.baseline, 64 * 48).width()).isEqualTo(8);
    }

    @Test
    void corruptHeaders() {
        assertCorrupt(JpegFiles.withSize(this.baseline, 0, 48), "0 pixels wide");
        assertCorrupt(JpegFiles.withFrameByte(this.baseline, 7, 0x52), "sampled 5x2"); // luma's
                                                                                       // factors
        assertCorrupt(Arrays.copyOf(this.baseline, 100), "ends");
        byte[] noFrame = JpegFiles.edit(this.baseline,
                (segment) -> ((segment[1] & 0xff) == 0xC0) ? JpegFiles.segment(0xFE, new byte[0]) : segment);
        assertCorrupt(noFrame, "before the frame");
        byte[] noTables = JpegFiles.edit(this.baseline,
                (segment) -> ((segment[1] & 0xff) == 0xC4) ? JpegFiles.segment(0xFE, new byte[0]) : segment);
        assertCorrupt(noTables, "not defined");
        byte[] noQuantisation = JpegFiles.edit(this.baseline,
                (segment) -> ((segment[1] & 0xff) == 0xDB) ? JpegFiles.segment(0xFE, new byte[0]) : segment);
        assertCorrupt(noQuantisation, "quantisation table is not defined");
    }

    @Test
    void restartMarkersOutOfOrder() {
        byte[] jpeg = new FlatJpeg(64, 64).restartInterval(1).write((x, y) -> 100);
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xD2) {
                jpeg[i + 1] = (byte) 0xD3;
                break;
            }
        }

        assertCorrupt(jpeg, "restart marker 3 where 2 was due");
    }

    private void assertUnsupported(byte[] jpeg, String message) {
        assertThatThrownBy(() -> this.reader.read(jpeg)).isInstanceOf(JpegDcReader.Unsupported.class)
            .hasMessageContaining(message);
    }

    private void assertCorrupt(byte[] jpeg, String message) {
        assertThatThrownBy(() -> this.reader.read(jpeg)).isInstanceOf(JpegDcReader.Corrupt.class)
            .hasMessageContaining(message);
    }

}
