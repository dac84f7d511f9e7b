package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class BackgroundModelTest {

    private static final int W = 80;

    private static final int H = 60;

    private final byte[] none = new byte[W * H];

    private final byte[] changed = new byte[W * H];

    /** A gradient with some texture: the background's luma spreads over 60..200. */
    private static byte[] scene() {
        byte[] pixels = new byte[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                pixels[y * W + x] = (byte) (60 + 140 * x / W + ((x / 4 + y / 4) % 2) * 10);
            }
        }
        return pixels;
    }

    private static byte[] map(byte[] pixels, double gain, double offset) {
        byte[] out = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, Math.round(gain * (pixels[i] & 0xff) + offset)));
        }
        return out;
    }

    @Test
    void theLineFollowsAGainAndOffsetChangeDespiteAnObjectOverAThirdOfTheFrame() {
        BackgroundModel model = new BackgroundModel(W * H);
        byte[] scene = scene();
        model.reset(scene, 0);
        byte[] frame = map(scene, 1.3, -25);
        // a dark object over the left third
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W / 3; x++) {
                frame[y * W + x] = 10;
            }
        }
        double beyond = model.match(frame, this.none, 23);
        assertThat(model.gain()).isCloseTo(1.3f, within(0.02f));
        assertThat(model.offset()).isCloseTo(-25f, within(2f));
        assertThat(beyond).isLessThan(0.8);
        int count = model.update(frame, this.none, 23, this.changed, 0.04);
        // the object, and nothing else, changed: the pixels whose background maps (by the
        // line) to more than 23 levels above 10
        assertThat(count).isBetween((int) (0.3 * W * H), W * H / 3);
        for (int y = 0; y < H; y++) {
            for (int x = W / 3; x < W; x++) {
                assertThat(this.changed[y * W + x]).as("x %d y %d", x, y).isZero();
            }
        }
        assertThat(model.firstChanged()).isZero();
        assertThat(model.lastChanged()).isLessThan(W * H - W + W / 3);
    }

    @Test
    void aFlatSceneHasAnOffsetOnly() {
        BackgroundModel model = new BackgroundModel(W * H);
        byte[] grey = new byte[W * H];
        java.util.Arrays.fill(grey, (byte) 100);
        model.reset(grey, 0);
        byte[] brighter = new byte[W * H];
        java.util.Arrays.fill(brighter, (byte) 112);
        assertThat(model.match(brighter, this.none, 23)).isZero();
        assertThat(model.gain()).isEqualTo(1f);
        assertThat(model.offset()).isCloseTo(12f, within(0.01f));
        assertThat(model.update(brighter, this.none, 23, this.changed, 0.04)).isZero();
        assertThat(model.at(0)).isCloseTo(112f, within(0.01f));
    }

    @Test
    void aLightSwitchShowsAsTheFractionBeyondTheThreshold() {
        BackgroundModel model = new BackgroundModel(W * H);
        byte[] scene = scene();
        model.reset(scene, 0);
        assertThat(model.match(map(scene, 1, 70), this.none, 23)).isGreaterThan(0.99);
        assertThat(model.match(map(scene, 1, 10), this.none, 23)).isZero();
    }

    @Test
    void maskedPixelsCountForNothing() {
        BackgroundModel model = new BackgroundModel(W * H);
        byte[] scene = scene();
        model.reset(scene, 0);
        byte[] all = new byte[W * H];
        java.util.Arrays.fill(all, (byte) 1);
        byte[] other = map(scene, 1, 70);
        assertThat(model.match(other, all, 23)).isZero();
        assertThat(model.update(other, all, 23, this.changed, 0.04)).isZero();
    }

    @Test
    void theNoiseIsTheDifferencesStandardDeviation() {
        BackgroundModel model = new BackgroundModel(W * H);
        byte[] scene = scene();
        model.reset(scene, 0);
        Random random = new Random(1);
        for (int frame = 0; frame < 100; frame++) {
            byte[] noisy = new byte[W * H];
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] = (byte) Math.round((scene[i] & 0xff) + 5 * random.nextGaussian());
            }
            model.match(noisy, this.none, 40);
            model.measureNoise(noisy, this.none, 0.04);
            model.update(noisy, this.none, 40, this.changed, 0.04);
        }
        // the background's own noise (a running average) adds a little
        assertThat(model.noise()).isBetween(4.5, 5.8);
    }

    @Test
    void aChangeThatLastsBecomesBackgroundAfterTheAcceptTime() {
        BackgroundModel model = new BackgroundModel(W * H);
        byte[] scene = scene();
        model.reset(scene, 0);
        byte[] frame = scene.clone();
        frame[W * 30 + 40] = (byte) 250;
        double t = 0;
        while (t < BackgroundModel.ACCEPT_SECONDS - 0.1) {
            model.match(frame, this.none, 23);
            assertThat(model.update(frame, this.none, 23, this.changed, 0.04)).isEqualTo(1);
            t += 0.04;
        }
        // not learnt from while changed
        assertThat(model.at(W * 30 + 40)).isCloseTo(scene[W * 30 + 40] & 0xff, within(0.5f));
        for (int i = 0; i < 5; i++) {
            model.match(frame, this.none, 23);
            model.update(frame, this.none, 23, this.changed, 0.04);
        }
        assertThat(model.at(W * 30 + 40)).isEqualTo(250f);
        model.match(frame, this.none, 23);
        assertThat(model.update(frame, this.none, 23, this.changed, 0.04)).isZero();
    }

    @Test
    void settlingLastsASecondAfterAReset() {
        BackgroundModel model = new BackgroundModel(4);
        model.reset(new byte[4], 5_000_000);
        assertThat(model.settling(5_000_000)).isTrue();
        assertThat(model.settling(5_999_999)).isTrue();
        assertThat(model.settling(6_000_000)).isFalse();
    }

}
