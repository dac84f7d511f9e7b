package dev.udpimage.decode;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.udpimage.protocol.Rejection;
import dev.udpimage.support.TestImages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Identifying images with readers that are kept and reset between images. */
class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(50_000_000);

    @Test
    void formatsInTurnAreEachIdentifiedWithTheirOwnSize() {
        byte[] jpeg = TestImages.jpeg(TestImages.photo(320, 200, 20, 1), 0.9f);
        byte[] png = TestImages.encode(TestImages.photo(64, 48, 20, 2), "png");
        byte[] otherJpeg = TestImages.jpeg(TestImages.photo(17, 900, 20, 3), 0.8f);
        // the second and third rounds reuse the first round's readers
        for (int round = 0; round < 3; round++) {
            assertThat(this.decoder.identify(jpeg)).isEqualTo(new ImageDecoder.Identified("jpeg", 320, 200));
            assertThat(this.decoder.identify(png)).isEqualTo(new ImageDecoder.Identified("png", 64, 48));
            assertThat(this.decoder.identify(otherJpeg)).isEqualTo(new ImageDecoder.Identified("jpeg", 17, 900));
        }
    }

    /** A BMP is read little-endian: the PNG after it must not be. */
    @Test
    void aBmpLeavesNoByteOrderForTheNextImage() {
        byte[] bmp = TestImages.encode(TestImages.photo(30, 20, 20, 4), "bmp");
        byte[] png = TestImages.encode(TestImages.photo(64, 48, 20, 2), "png");
        assertThat(this.decoder.identify(bmp)).isEqualTo(new ImageDecoder.Identified("bmp", 30, 20));
        assertThat(this.decoder.identify(png)).isEqualTo(new ImageDecoder.Identified("png", 64, 48));
    }

    @Test
    void aRejectedImageLeavesTheReaderReadyForTheNext() {
        byte[] jpeg = TestImages.jpeg(TestImages.photo(320, 200, 20, 1), 0.9f);
        // starts like a JPEG, ends before its size
        byte[] headerOnly = Arrays.copyOf(jpeg, 40);

        assertThatThrownBy(() -> this.decoder.identify(headerOnly)).isInstanceOf(Rejection.class)
            .hasMessageContaining("undecodable jpeg");
        assertThatThrownBy(() -> this.decoder.identify("not an image".getBytes())).isInstanceOf(Rejection.class)
            .hasMessageContaining("not an image");
        assertThat(this.decoder.identify(jpeg)).isEqualTo(new ImageDecoder.Identified("jpeg", 320, 200));
    }

    @Test
    void threadsDoNotShareAReader() throws Exception {
        byte[] wide = TestImages.jpeg(TestImages.photo(300, 10, 20, 1), 0.9f);
        byte[] tall = TestImages.jpeg(TestImages.photo(10, 300, 20, 2), 0.9f);
        Thread other = new Thread(() -> {
            for (int i = 0; i < 500; i++) {
                assertThat(this.decoder.identify(tall).height()).isEqualTo(300);
            }
        });
        Throwable[] failure = new Throwable[1];
        other.setUncaughtExceptionHandler((thread, error) -> failure[0] = error);
        other.start();
        for (int i = 0; i < 500; i++) {
            assertThat(this.decoder.identify(wide).width()).isEqualTo(300);
        }
        other.join();
        assertThat(failure[0]).isNull();
    }

}
