package dev.udpimage.motion;

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
     */
    static void dilate(byte[] in, byte[] out, byte[] scratch, int width, int height) {
        // along the rows, then along the columns: a 3x3 square is a 3x1 after a 1x3
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int v = in[row + x];
                if (x > 0) {
                    v |= in[row + x - 1];
                }
                if (x < width - 1) {
                    v |= in[row + x + 1];
                }
                scratch[row + x] = (byte) v;
            }
        }
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int v = scratch[row + x];
                if (y > 0) {
                    v |= scratch[row - width + x];
                }
                if (y < height - 1) {
                    v |= scratch[row + width + x];
                }
                out[row + x] = (byte) v;
            }
        }
    }

}
