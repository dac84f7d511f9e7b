package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolygonTest {

    @Test
    void parsesPointsSeparatedByAnyWhiteSpace() {
        Polygon polygon = Polygon.parse("  0.1,0.2\t0.5,0.2\n 0.3,.9 1,1  ");
        assertThat(polygon.size()).isEqualTo(4);
        assertThat(polygon).hasToString("0.1,0.2 0.5,0.2 0.3,0.9 1,1");
        assertThat(Polygon.parse(polygon.toString())).isEqualTo(polygon);
        assertThat(Polygon.of(0.1, 0.2, 0.5, 0.2, 0.3, 0.9, 1, 1)).isEqualTo(polygon);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|',
            value = { "''|at least 3 points", "'   '|at least 3 points", "0.1,0.2 0.5|at least 3 points",
                    "0.1,0.2 0.5,0.5|got 2", "0.1,0.2 0.5 0.3,0.3|point 2 \"0.5\"",
                    "0.1,0.2 0.5,0.5,0.5 0.3,0.3|is not x,y", "0.1,0.2 0.5,0.5 0.3,|not a number",
                    "0.1,0.2 0.5,0.5 a,0.3|not a number", "0.1,0.2 0.5,0.5 NaN,0.3|not a number",
                    "0.1,0.2 0.5,0.5 0x1p-1,0.3|not a number", "0.1,0.2 0.5,0.5 0.5d,0.3|not a number",
                    "0.1,0.2 1.5,0.5 0.3,0.3|point 2 \"1.5,0.5\"", "0.1,0.2 0.5,0.5 0.3,-0.1|outside the frame",
                    "0.1;0.2 0.5,0.5 0.3,0.3|is not x,y" })
    void rejectsBadInputSayingWhy(String text, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> Polygon.parse(text)).withMessageContaining(message);
    }

    @Test
    void rejectsNullAndBadPoints() {
        assertThatIllegalArgumentException().isThrownBy(() -> Polygon.parse(null))
            .withMessageContaining("at least 3 points");
        assertThatIllegalArgumentException().isThrownBy(() -> Polygon.of(0, 0, 1, 1))
            .withMessageContaining("at least 3 points");
        assertThatIllegalArgumentException().isThrownBy(() -> Polygon.of(0, 0, 1, 1, 2, 0))
            .withMessageContaining("outside the frame");
    }

    @ParameterizedTest
    @ValueSource(strings = { "0,0 1,0 1,1 0,1", "1e-0,0 1,1 0,1 0,0", "+0,0 1,0 1.0,1 0,1" })
    void theWholeFrameCoversEveryPixel(String text) {
        boolean[] inside = Polygon.parse(text).rasterise(5, 3);
        for (boolean in : inside) {
            assertThat(in).isTrue();
        }
    }

    @Test
    void aPixelIsInWhenItsCentreIs() {
        // the left half of 4x2: columns 0 and 1
        assertThat(render(Polygon.parse("0,0 0.5,0 0.5,1 0,1"), 4, 2)).isEqualTo("""
                ##..
                ##..
                """);
        // a triangle over 5x5: the lower left half, below the diagonal from top left to
        // bottom right; centres on the diagonal fall either side
        assertThat(render(Polygon.parse("0,0 1,1 0,1"), 5, 5)).matches("""
                [#.]....
                #[#.]...
                ##[#.]..
                ###[#.].
                ####[#.]
                """);
        // a small square in the middle of 4x4: pixel centres 0.375 and 0.625 are inside
        assertThat(render(Polygon.parse("0.3,0.3 0.7,0.3 0.7,0.7 0.3,0.7"), 4, 4)).isEqualTo("""
                ....
                .##.
                .##.
                ....
                """);
    }

    @Test
    void aSelfCrossingOutlineLeavesHoles() {
        // two squares drawn as one outline, the inner one the other way round: a frame
        Polygon ring = Polygon.parse("0,0 1,0 1,1 0,1 0,0 0.25,0.25 0.25,0.75 0.75,0.75 0.75,0.25 0.25,0.25");
        assertThat(render(ring, 4, 4)).isEqualTo("""
                ####
                #..#
                #..#
                ####
                """);
    }

    @Test
    void aTinyPolygonMayCoverNoPixel() {
        assertThat(render(Polygon.parse("0.01,0.01 0.02,0.01 0.02,0.02"), 8, 8)).doesNotContain("#");
    }

    @Test
    void containsWorksInRelativeCoordinates() {
        Polygon triangle = Polygon.parse("0.5,0 1,1 0,1");
        assertThat(triangle.contains(0.5, 0.5)).isTrue();
        assertThat(triangle.contains(0.1, 0.2)).isFalse();
        assertThat(triangle.contains(0.9, 0.95)).isTrue();
    }

    static String render(Polygon polygon, int width, int height) {
        boolean[] inside = polygon.rasterise(width, height);
        StringBuilder text = new StringBuilder();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                text.append(inside[y * width + x] ? '#' : '.');
            }
            text.append('\n');
        }
        return text.toString();
    }

}
