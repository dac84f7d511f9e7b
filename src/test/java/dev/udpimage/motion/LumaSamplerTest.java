package dev.udpimage.motion;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Any image's bytes to a small grey picture: the fast way for JPEGs, else ImageIO. */
class LumaSamplerTest {

    private final LumaSampler sampler = new LumaSampler();

    private final BufferedImage scene = Jpegs.scene(640, 480, 21);

    private final byte[] baseline = Jpegs.jpeg(this.scene, 0.85f);

    @Test
    void aBaselineJpegIsReadFromItsDcCoefficients() {
        LumaImage eighth = new JpegDcReader().read(this.baseline);

        LumaSampler.Sample sample = this.sampler.sample(this.baseline, 80, 60);

        assertThat(sample.fast()).isTrue();
        assertThat(sample.image()).usingRecursiveComparison().isEqualTo(eighth);
    }

    @Test
    void aJpegComesOutAtMostAnEighthOfItsSize() {
        LumaSampler.Sample sample = this.sampler.sample(this.baseline, 1000, 1000);

        assertThat(sample.fast()).isTrue();
        assertThat(sample.image().width()).isEqualTo(80);
        assertThat(sample.image().height()).isEqualTo(60);
    }

    @Test
    void aSmallerBoxShrinksTheEighthByAnIntegerFactorKeepingTheAspect() {
        LumaImage eighth = new JpegDcReader().read(this.baseline);

        LumaSampler.Sample sample = this.sampler.sample(this.baseline, 50, 50); // 80x60:
                                                                                // by 2

        assertThat(sample.fast()).isTrue();
        LumaImage image = sample.image();
        assertThat(image.width()).isEqualTo(40);
        assertThat(image.height()).isEqualTo(30);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                int sum = eighth.at(2 * x, 2 * y) + eighth.at(2 * x + 1, 2 * y) + eighth.at(2 * x, 2 * y + 1)
                        + eighth.at(2 * x + 1, 2 * y + 1);
                assertThat(image.at(x, y)).isEqualTo((sum + 2) / 4);
            }
        }
        LumaImage wide = this.sampler.sample(Jpegs.jpeg(Jpegs.scene(1280, 720, 3), 0.8f), 100, 100).image();
        assertThat(wide.width()).isEqualTo(80); // 160x90 by 2
        assertThat(wide.height()).isEqualTo(45);
        LumaImage odd = this.sampler.sample(Jpegs.jpeg(Jpegs.scene(641, 479, 3), 0.8f), 27, 100).image();
        assertThat(odd.width()).isEqualTo(27); // 81x60 by 3: 27x20
        assertThat(odd.height()).isEqualTo(20);
    }

    @Test
    void aProgressiveJpegGoesThroughImageIoToTheSameSizeAndNearlyTheSameLuma() {
        byte[] progressive = Jpegs.jpeg(this.scene, Jpegs.Options.quality(0.85f).inProgressiveMode());
        // 8 and 16 times smaller
        for (int[] box : new int[][] { { 80, 60, 3 }, { 1000, 1000, 3 }, { 40, 40, 5 } }) {
            LumaSampler.Sample fast = this.sampler.sample(this.baseline, box[0], box[1]);

            LumaSampler.Sample slow = this.sampler.sample(progressive, box[0], box[1]);

            assertThat(slow.fast()).isFalse();
            assertThat(slow.image().width()).isEqualTo(fast.image().width());
            assertThat(slow.image().height()).isEqualTo(fast.image().height());
            // ImageIO's way averages a grid of 16 of the pixels that the fast way's means
            // cover (64 or 256): sensor noise and thin lines between the grid's points
            // differ
            Jpegs.Difference difference = Jpegs.Difference.of(slow.image(), values(fast.image()));
            assertThat(difference.mean()).isLessThan(box[2]);
            assertThat(difference.max()).isLessThanOrEqualTo(48.0);
        }
    }

    @Test
    void jpegsTheFastWayRefusesGoThroughImageIo() {
        byte[] rgb = JpegFiles.withAdobeTransform(this.baseline, 0); // the JDK reads it
                                                                     // as RGB

        LumaSampler.Sample sample = this.sampler.sample(rgb, 80, 60);

        assertThat(sample.fast()).isFalse();
        assertThat(sample.image().width()).isEqualTo(80);
        byte[] truncated = Arrays.copyOf(this.baseline, this.baseline.length / 2);
        LumaSampler.Sample half = this.sampler.sample(truncated, 80, 60); // libjpeg reads
                                                                          // what there is
        assertThat(half.fast()).isFalse();
        assertThat(half.image().width()).isEqualTo(80);
    }

    @Test
    void greyJpegsTakeTheFastWayToo() {
        byte[] grey = Jpegs.jpeg(Jpegs.greyScene(320, 240, 2), 0.8f);

        LumaSampler.Sample sample = this.sampler.sample(grey, 40, 30);

        assertThat(sample.fast()).isTrue();
        assertThat(sample.image().width()).isEqualTo(40);
    }

    @Test
    void otherFormatsGoThroughImageIoShrunkByTheSmallestFactorThatFits() {
        BufferedImage rgb = Jpegs.scene(203, 101, 4);
        BufferedImage grey = Jpegs.greyScene(203, 101, 4);
        BufferedImage argb = new BufferedImage(203, 101, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        g.drawImage(rgb, 0, 0, null);
        g.dispose();
        BufferedImage grey16 = new BufferedImage(203, 101, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 101; y++) {
            for (int x = 0; x < 203; x++) {
                grey16.getRaster().setSample(x, y, 0, grey.getRaster().getSample(x, y, 0) * 257);
            }
        }
        Object[][] cases = { { "png", rgb }, { "bmp", rgb }, { "png", grey }, { "png", argb }, { "png", grey16 },
                { "bmp", grey }, { "gif", rgb } };
        for (Object[] c : cases) {
            BufferedImage image = (BufferedImage) c[1];
            byte[] bytes = Jpegs.encode(image, (String) c[0]);
            // 203x101 into 30x30: by 7, to 29x15; into 60x60: by 4, to 51x26
            for (int[] box : new int[][] { { 30, 30, 7 }, { 60, 60, 4 }, { 300, 300, 1 } }) {
                LumaSampler.Sample sample = this.sampler.sample(bytes, box[0], box[1]);

                assertThat(sample.fast()).isFalse();
                int factor = box[2];
                assertThat(sample.image().width()).isEqualTo((203 + factor - 1) / factor);
                assertThat(sample.image().height()).isEqualTo((101 + factor - 1) / factor);
                double[][] luma = Jpegs.luma(grey16 == image ? grey : image);
                if (factor == 7) { // a prime: ImageIO's subsampling is all there is
                    for (int y = 0; y < sample.image().height(); y++) {
                        for (int x = 0; x < sample.image().width(); x++) {
                            assertThat((double) sample.image().at(x, y)).isCloseTo(luma[7 * y][7 * x],
                                    within(c[0].equals("gif") ? 40.0 : 0.51));
                        }
                    }
                }
                else if (!c[0].equals("gif")) { // GIF's palette changes the colours
                    Jpegs.Difference difference = Jpegs.Difference.of(sample.image(), Jpegs.cellMeans(luma, factor));
                    assertThat(difference.mean()).as("%s %s by %d", c[0], image.getType(), factor).isLessThan(1.0);
                }
            }
        }
    }

    @Test
    void unreadableBytes() {
        Random random = new Random(3);
        byte[] noise = new byte[5000];
        random.nextBytes(noise);
        byte[] png = Jpegs.encode(Jpegs.scene(64, 48, 1), "png");
        for (byte[] bytes : new byte[][] { new byte[0], "not an image".getBytes(), noise, Arrays.copyOf(png, 30) }) {
            assertThatThrownBy(() -> this.sampler.sample(bytes, 80, 60)).isInstanceOf(LumaSampler.Unreadable.class)
                .hasMessageMatching("(no image|unreadable).*");
        }
    }

    @Test
    void imagesClaimingTooManyPixelsAreRefusedBeforeDecoding() {
        byte[] hugeJpeg = JpegFiles.withSize(this.baseline, 60000, 60000);
        byte[] png = Jpegs.encode(Jpegs.scene(64, 48, 1), "png");
        byte[] hugePng = png.clone(); // IHDR's width and height (the CRC is not checked
                                      // first)
        hugePng[18] = (byte) 0xEA;
        hugePng[19] = (byte) 0x60;
        hugePng[22] = (byte) 0xEA;
        hugePng[23] = (byte) 0x60;
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (byte[] bytes : new byte[][] { hugeJpeg, hugePng }) {
                assertThatThrownBy(() -> this.sampler.sample(bytes, 80, 60)).isInstanceOf(LumaSampler.Unreadable.class)
                    .hasMessageContaining("60000x60000");
            }
            assertThatThrownBy(() -> new LumaSampler(1000).sample(this.baseline, 80, 60))
                .isInstanceOf(LumaSampler.Unreadable.class)
                .hasMessageContaining("640x480");
        });
    }

    @Test
    void tinyImages() {
        byte[] jpeg = Jpegs.jpeg(Jpegs.scene(1, 1, 1), 0.9f);
        byte[] png = Jpegs.encode(Jpegs.scene(1, 1, 1), "png");

        assertThat(this.sampler.sample(jpeg, 1, 1).image().pixels()).hasSize(1);
        assertThat(this.sampler.sample(png, 1, 1).image().pixels()).hasSize(1);
        assertThatThrownBy(() -> this.sampler.sample(jpeg, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadsKeepTheirOwnReaders() throws Exception {
        byte[][] images = { this.baseline, Jpegs.encode(Jpegs.scene(160, 120, 5), "png"),
                Jpegs.jpeg(Jpegs.scene(320, 200, 6), Jpegs.Options.quality(0.7f).inProgressiveMode()),
                Jpegs.jpeg(Jpegs.scene(200, 320, 7), Jpegs.Options.quality(0.9f).sampling(1, 1)) };
        List<LumaImage> expected = new ArrayList<>();
        for (byte[] image : images) {
            expected.add(this.sampler.sample(image, 40, 40).image());
        }
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int first = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        int which = (first + i) % images.length;
                        assertThat(this.sampler.sample(images[which], 40, 40).image().pixels())
                            .isEqualTo(expected.get(which).pixels());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        finally {
            threads.shutdown();
        }
    }

    private static double[][] values(LumaImage image) {
        double[][] values = new double[image.height()][image.width()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                values[y][x] = image.at(x, y);
            }
        }
        return values;
    }

}
