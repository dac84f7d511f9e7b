package dev.udpimage.motion;

import java.util.Arrays;

/**
 * A binary image's 3x3 dilation: a pixel is set when it or one of its eight neighbours
 * is. It joins changed pixels up to one pixel apart into one region, so an object whose
 * inside matches the background in places (a shirt the colour of the wall) is still one
 * region.
 */
final class Dilation {

    private Dilation() {
    }

    /**
     * Dilates {@code in} into {@code out}, through {@code scratch}; each holds
     * {@code width * height} bytes, 0 or 1, row-major.
     * @param ignored 1 for the pixels not to count, or null
     * @return how many pixels of {@code out} are set, not counting the ignored ones
     */
    static int dilate(byte[] in, byte[] out, byte[] scratch, int width, int height, byte[] ignored) {
        return dilate(in, out, scratch, width, height, 0, height - 1, ignored);
    }

    /**
     * Dilates the rows {@code firstRow..lastRow} of {@code in}, where all its set pixels
     * are, into the rows {@code firstRow - 1..lastRow + 1} of {@code out} (within the
     * image), which are the only rows of {@code out} written; each array holds
     * {@code width * height} bytes, 0 or 1, row-major.
     * @param ignored 1 for the pixels not to count, or null
     * @return how many pixels of {@code out} are set, not counting the ignored ones
     */
    static int dilate(byte[] in, byte[] out, byte[] scratch, int width, int height, int firstRow, int lastRow,
            byte[] ignored) {
        // along the rows, then along the columns: a 3x3 square is a 3x1 after a 1x3
        for (int row = firstRow * width; row <= lastRow * width; row += width) {
            int last = row + width - 1;
            if (width == 1) {
                scratch[row] = in[row];
                continue;
            }
            scratch[row] = (byte) (in[row] | in[row + 1]);
            for (int i = row + 1; i < last; i++) {
                scratch[i] = (byte) (in[i - 1] | in[i] | in[i + 1]);
            }
            scratch[last] = (byte) (in[last - 1] | in[last]);
        }
        // the scratch rows next to the written ones count as empty
        Arrays.fill(scratch, Math.max(0, firstRow - 2) * width, firstRow * width, (byte) 0);
        Arrays.fill(scratch, (lastRow + 1) * width, Math.min(height, lastRow + 3) * width, (byte) 0);
        int top = Math.max(0, firstRow - 1);
        int bottom = Math.min(height - 1, lastRow + 1);
        for (int y = top; y <= bottom; y++) {
            int row = y * width;
            int end = row + width;
            if (y > 0 && y < height - 1) {
                for (int i = row; i < end; i++) {
                    out[i] = (byte) (scratch[i - width] | scratch[i] | scratch[i + width]);
                }
            }
            else {
                for (int i = row; i < end; i++) {
                    out[i] = (byte) (((y > 0) ? scratch[i - width] : 0) | scratch[i]
                            | ((y < height - 1) ? scratch[i + width] : 0));
                }
            }
        }
        int count = 0;
        for (int i = top * width; i < (bottom + 1) * width; i++) {
            count += (ignored == null) ? out[i] : out[i] & (1 - ignored[i]);
        }
        return count;
    }

}
