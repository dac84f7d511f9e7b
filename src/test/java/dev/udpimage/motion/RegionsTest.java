package dev.udpimage.motion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegionsTest {

    @Test
    void pixelsTouchingAtACornerAreOneRegion() {
        Mask mask = Mask.of("""
                #.....
                .#....
                ..#..#
                .....#
                ##....
                """);
        Regions regions = new Regions(mask.width, mask.height);
        assertThat(regions.find(mask.bits, mask.bits)).isEqualTo(3);
        assertThat(regions.label(0)).isEqualTo(regions.label(mask.index(2, 2)));
        assertThat(regions.area(regions.label(0))).isEqualTo(3);
        assertThat(regions.area(regions.label(mask.index(5, 2)))).isEqualTo(2);
        assertThat(regions.area(regions.label(mask.index(0, 4)))).isEqualTo(2);
        assertThat(regions.label(mask.index(1, 0))).isZero();
        assertThat(regions.box(regions.label(0))).isEqualTo(Box.ofPixels(0, 0, 2, 2, 6, 5));
    }

    @Test
    void aWindingRegionIsOneRegion() {
        // a spiral: a recursive fill would follow it pixel by pixel
        Mask mask = Mask.of("""
                #########
                ........#
                #######.#
                #.....#.#
                #.###.#.#
                #.#...#.#
                #.#####.#
                #.......#
                #########
                """);
        Regions regions = new Regions(mask.width, mask.height);
        assertThat(regions.find(mask.bits, mask.bits)).isEqualTo(1);
        assertThat(regions.area(1)).isEqualTo(mask.count());
    }

    @Test
    void theMinimumAreaKeepsOnlyLargeRegions() {
        Mask mask = Mask.of("""
                ##......#
                ##.......
                .........
                ....###..
                ....###..
                ....###..
                """);
        Regions regions = new Regions(mask.width, mask.height);
        assertThat(regions.find(mask.bits, mask.bits)).isEqualTo(3);
        assertThat(regions.keep(4)).isEqualTo(2);
        assertThat(regions.keptArea()).isEqualTo(4 + 9);
        assertThat(regions.keptBox()).isEqualTo(Box.ofPixels(0, 0, 6, 5, 9, 6));
        assertThat(regions.keep(5)).isEqualTo(1);
        assertThat(regions.keptArea()).isEqualTo(9);
        assertThat(regions.keptBox()).isEqualTo(Box.ofPixels(4, 3, 6, 5, 9, 6));
        assertThat(regions.kept(regions.label(0))).isFalse();
        assertThat(regions.keep(10)).isZero();
        assertThat(regions.keptBox()).isNull();
        assertThat(regions.keep(1)).isEqualTo(3);
    }

    @Test
    void areasCountOnlyTheCountedPixels() {
        // grouped by the dilated mask, counted by the original one: two dots one pixel
        // apart are one region of two pixels
        Mask dots = Mask.of("""
                .....
                .#.#.
                .....
                """);
        Mask dilated = dilate(dots);
        assertThat(dilated).hasToString("""
                #####
                #####
                #####
                """);
        Regions regions = new Regions(dots.width, dots.height);
        assertThat(regions.find(dilated.bits, dots.bits)).isEqualTo(1);
        assertThat(regions.area(1)).isEqualTo(2);
        assertThat(regions.box(1)).isEqualTo(Box.ofPixels(1, 1, 3, 1, 5, 3));
    }

    @Test
    void dilationGrowsEachPixelToItsNeighbours() {
        assertThat(dilate(Mask.of("""
                #......
                .......
                .......
                ....#..
                .......
                """))).hasToString("""
                ##.....
                ##.....
                ...###.
                ...###.
                ...###.
                """);
        assertThat(dilate(Mask.of("#"))).hasToString("#\n");
        assertThat(dilate(Mask.of("..\n..\n"))).hasToString("..\n..\n");
    }

    @Test
    void aFullFrameIsOneRegionAndAnEmptyOneNone() {
        Mask full = Mask.of("####\n####\n####\n");
        Regions regions = new Regions(4, 3);
        assertThat(regions.find(full.bits, full.bits)).isEqualTo(1);
        assertThat(regions.area(1)).isEqualTo(12);
        Mask empty = Mask.of("....\n....\n....\n");
        assertThat(regions.find(empty.bits, empty.bits)).isZero();
        assertThat(regions.keep(1)).isZero();
    }

    @Test
    void aCheckerboardIsOneRegionOf8ConnectedPixels() {
        Mask checker = Mask.of("""
                #.#.#
                .#.#.
                #.#.#
                """);
        Regions regions = new Regions(5, 3);
        assertThat(regions.find(checker.bits, checker.bits)).isEqualTo(1);
        assertThat(regions.area(1)).isEqualTo(8);
    }

    @Test
    void dilatingAndLabellingOnlyTheChangedRowsGivesTheSameRegions() {
        Mask mask = Mask.of("""
                ..........
                ..........
                ..#.......
                ..#....##.
                .......#..
                ..........
                ..........
                """);
        byte[] full = new byte[mask.bits.length];
        Dilation.dilate(mask.bits, full, new byte[mask.bits.length], mask.width, mask.height, null);
        // stale content outside the rows written must not matter
        byte[] window = new byte[mask.bits.length];
        java.util.Arrays.fill(window, (byte) 1);
        byte[] scratch = new byte[mask.bits.length];
        java.util.Arrays.fill(scratch, (byte) 1);
        int count = Dilation.dilate(mask.bits, window, scratch, mask.width, mask.height, 2, 4, null);
        assertThat(count).isEqualTo(new Mask(mask.width, mask.height, full).count());
        for (int i = mask.index(0, 1); i < mask.index(0, 6); i++) {
            assertThat(window[i]).as("pixel %d", i).isEqualTo(full[i]);
        }
        Regions regions = new Regions(mask.width, mask.height);
        assertThat(regions.find(window, mask.bits, 1, 5)).isEqualTo(2);
        assertThat(regions.area(regions.label(mask.index(2, 2)))).isEqualTo(2);
        assertThat(regions.area(regions.label(mask.index(7, 3)))).isEqualTo(3);
        // at the image's edges
        Mask edges = Mask.of("""
                #........#
                ..........
                ..........
                #........#
                """);
        byte[] out = new byte[edges.bits.length];
        assertThat(Dilation.dilate(edges.bits, out, new byte[out.length], 10, 4, 0, 3, null)).isEqualTo(16);
        assertThat(new Regions(10, 4).find(edges.bits, edges.bits)).isEqualTo(4);
    }

    private static Mask dilate(Mask mask) {
        byte[] out = new byte[mask.bits.length];
        Dilation.dilate(mask.bits, out, new byte[mask.bits.length], mask.width, mask.height, null);
        return new Mask(mask.width, mask.height, out);
    }

    /** A binary image drawn as text, '#' for 1. */
    record Mask(int width, int height, byte[] bits) {

        static Mask of(String text) {
            String[] rows = text.strip().split("\n");
            byte[] bits = new byte[rows.length * rows[0].length()];
            for (int y = 0; y < rows.length; y++) {
                for (int x = 0; x < rows[0].length(); x++) {
                    bits[y * rows[0].length() + x] = (byte) (rows[y].charAt(x) == '#' ? 1 : 0);
                }
            }
            return new Mask(rows[0].length(), rows.length, bits);
        }

        int index(int x, int y) {
            return y * this.width + x;
        }

        int count() {
            int n = 0;
            for (byte b : this.bits) {
                n += b;
            }
            return n;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            for (int y = 0; y < this.height; y++) {
                for (int x = 0; x < this.width; x++) {
                    text.append(this.bits[index(x, y)] != 0 ? '#' : '.');
                }
                text.append('\n');
            }
            return text.toString();
        }

    }

}
