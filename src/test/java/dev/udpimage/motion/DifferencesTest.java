package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DifferencesTest {

    private final Differences differences = new Differences();

    @Test
    void anEmptyHistogramSaysNothing() {
        assertThat(this.differences.total()).isZero();
        assertThat(this.differences.median()).isZero();
        assertThat(this.differences.medianAbsolute()).isZero();
        assertThat(this.differences.fractionBeyond(10)).isZero();
    }

    @Test
    void theMedianIgnoresOutliersAndIsInterpolatedWithinItsLevel() {
        // 60 % around +7, 40 % far below
        for (int i = 0; i < 60; i++) {
            this.differences.add(6.6f + (i % 3) * 0.4f);
        }
        for (int i = 0; i < 40; i++) {
            this.differences.add(-120);
        }
        assertThat(this.differences.total()).isEqualTo(100);
        assertThat(this.differences.median()).isBetween(6.5, 7.5);
        assertThat(this.differences.fractionBeyond(100)).isEqualTo(0.4);
        assertThat(this.differences.fractionBeyond(120)).isZero();
        assertThat(this.differences.fractionBeyond(119.5)).isEqualTo(0.4);
    }

    @Test
    void theMedianAbsoluteDifferenceMeasuresTheSpread() {
        for (int d = -255; d <= 255; d++) {
            this.differences.add(d);
        }
        assertThat(this.differences.median()).isCloseTo(0, within(0.5));
        // half of -255..255 is within +-127.5
        assertThat(this.differences.medianAbsolute()).isCloseTo(127.5, within(1.0));
        this.differences.clear();
        for (int i = 0; i < 10; i++) {
            this.differences.add(0);
        }
        assertThat(this.differences.medianAbsolute()).isEqualTo(0.25);
    }

}
