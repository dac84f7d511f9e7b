package dev.udpimage.motion;

import java.util.Arrays;

/**
 * Makes a frame at most {@value #MAX_WIDTH}x{@value #MAX_HEIGHT} by averaging blocks of
 * {@code factor x factor} pixels (the last row and column of blocks may be narrower). A
 * frame that already fits is used as it is. More pixels than that add cost, not
 * detection: motion worth an event covers many pixels of a frame this size.
 */
final class Shrink {

    static final int MAX_WIDTH = 160;

    static final int MAX_HEIGHT = 120;

    private int inputWidth;

    private int inputHeight;

    private int factor = 1;

    private int width;

    private int height;

    private byte[] out = new byte[0];

    private int[] sums = new int[0];

    /** The output column each input column adds to. */
    private int[] cellOfColumn = new int[0];

    /**
     * The smallest block size that brings a {@code width x height} frame within bounds.
     */
    static int factor(int width, int height) {
        int f = 1;
        while (ceilDiv(width, f) > MAX_WIDTH || ceilDiv(height, f) > MAX_HEIGHT) {
            f++;
        }
        return f;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * The frame's pixels at the working size, {@link #width()} x {@link #height()}: the
     * frame's own array when it fits, else a buffer this instance reuses.
     */
    byte[] apply(LumaImage frame) {
        if (frame.width() != this.inputWidth || frame.height() != this.inputHeight) {
            this.inputWidth = frame.width();
            this.inputHeight = frame.height();
            this.factor = factor(this.inputWidth, this.inputHeight);
            this.width = ceilDiv(this.inputWidth, this.factor);
            this.height = ceilDiv(this.inputHeight, this.factor);
            this.out = new byte[this.factor == 1 ? 0 : this.width * this.height];
            this.sums = new int[this.factor == 1 ? 0 : this.width];
            this.cellOfColumn = new int[this.factor == 1 ? 0 : this.inputWidth];
            for (int x = 0; x < this.cellOfColumn.length; x++) {
                this.cellOfColumn[x] = x / this.factor;
            }
        }
        if (this.factor == 1) {
            return frame.pixels();
        }
        byte[] in = frame.pixels();
        int[] sums = this.sums;
        int[] cell = this.cellOfColumn;
        int f = this.factor;
        for (int cy = 0; cy < this.height; cy++) {
            Arrays.fill(sums, 0);
            int y0 = cy * f;
            int y1 = Math.min(y0 + f, this.inputHeight);
            for (int y = y0; y < y1; y++) {
                int row = y * this.inputWidth;
                for (int x = 0; x < this.inputWidth; x++) {
                    sums[cell[x]] += in[row + x] & 0xff;
                }
            }
            int rows = y1 - y0;
            for (int cx = 0; cx < this.width; cx++) {
                int count = rows * (Math.min((cx + 1) * f, this.inputWidth) - cx * f);
                this.out[cy * this.width + cx] = (byte) ((sums[cx] + count / 2) / count);
            }
        }
        return this.out;
    }

    /** The working width of the last frame. */
    int width() {
        return this.width;
    }

    /** The working height of the last frame. */
    int height() {
        return this.height;
    }

}
