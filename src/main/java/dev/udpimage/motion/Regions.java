package dev.udpimage.motion;

import java.util.Arrays;

/**
 * Connected regions of a binary image, 8-connected (pixels touching at a corner are one
 * region), found by an iterative flood fill with an explicit stack, so a region as large
 * as the frame needs no deeper call stack. Each region's area counts only the pixels of a
 * second image (the changed pixels, while the regions are those of the dilated changed
 * pixels), and so does its bounding box.
 *
 * <p>
 * One instance reuses its buffers for every frame of one size.
 */
final class Regions {

    private final int width;

    private final int height;

    /** The region of each pixel, 1..count, or 0 for none. */
    private final int[] labels;

    private final int[] stack;

    /**
     * Per region, indexed by label (0 unused): 8-connected regions are at least a pixel
     * apart, so there are at most {@code ceil(width / 2) * ceil(height / 2)} of them.
     */
    private final int[] area;

    private final int[] minX;

    private final int[] minY;

    private final int[] maxX;

    private final int[] maxY;

    private final boolean[] kept;

    private int count;

    Regions(int width, int height) {
        this.width = width;
        this.height = height;
        int n = width * height;
        int most = ((width + 1) / 2) * ((height + 1) / 2);
        this.labels = new int[n];
        this.stack = new int[n];
        this.area = new int[most + 1];
        this.minX = new int[most + 1];
        this.minY = new int[most + 1];
        this.maxX = new int[most + 1];
        this.maxY = new int[most + 1];
        this.kept = new boolean[most + 1];
    }

    /**
     * Labels the regions of {@code grouping} and measures each by the pixels of
     * {@code counted} inside it.
     * @param grouping 1 where a pixel belongs to some region, else 0
     * @param counted 1 where a pixel counts towards its region's area and box, else 0; a
     * counted pixel outside every region is not counted at all
     * @return how many regions there are
     */
    int find(byte[] grouping, byte[] counted) {
        return find(grouping, counted, 0, this.height - 1);
    }

    /**
     * Labels the regions of {@code grouping} within the rows {@code firstRow..lastRow}
     * (what lies outside them is not read), and measures each by the pixels of
     * {@code counted} inside it. {@link #label} is then valid within those rows only.
     * @return how many regions there are
     */
    int find(byte[] grouping, byte[] counted, int firstRow, int lastRow) {
        int w = this.width;
        int first = firstRow * w;
        int end = (lastRow + 1) * w;
        Arrays.fill(this.labels, first, end, 0);
        int regions = 0;
        for (int seed = first; seed < end; seed++) {
            if (grouping[seed] == 0 || this.labels[seed] != 0) {
                continue;
            }
            int label = ++regions;
            this.area[label] = 0;
            this.minX[label] = Integer.MAX_VALUE;
            this.minY[label] = Integer.MAX_VALUE;
            this.maxX[label] = -1;
            this.maxY[label] = -1;
            this.kept[label] = false;
            int top = 0;
            this.stack[top++] = seed;
            this.labels[seed] = label;
            while (top > 0) {
                int p = this.stack[--top];
                int px = p % w;
                int py = p / w;
                if (counted[p] != 0) {
                    this.area[label]++;
                    this.minX[label] = Math.min(this.minX[label], px);
                    this.minY[label] = Math.min(this.minY[label], py);
                    this.maxX[label] = Math.max(this.maxX[label], px);
                    this.maxY[label] = Math.max(this.maxY[label], py);
                }
                int x0 = Math.max(px - 1, 0);
                int x1 = Math.min(px + 1, w - 1);
                int y0 = Math.max(py - 1, firstRow);
                int y1 = Math.min(py + 1, lastRow);
                for (int y = y0; y <= y1; y++) {
                    for (int x = x0; x <= x1; x++) {
                        int q = y * w + x;
                        if (grouping[q] != 0 && this.labels[q] == 0) {
                            this.labels[q] = label;
                            this.stack[top++] = q;
                        }
                    }
                }
            }
        }
        this.count = regions;
        return regions;
    }

    /**
     * Keeps the regions whose area is at least {@code minArea} pixels.
     * @return how many were kept
     */
    int keep(int minArea) {
        int n = 0;
        for (int r = 1; r <= this.count; r++) {
            this.kept[r] = this.area[r] >= minArea && this.area[r] > 0;
            if (this.kept[r]) {
                n++;
            }
        }
        return n;
    }

    /** How many regions the last {@link #find} found. */
    int count() {
        return this.count;
    }

    /**
     * The region of the pixel at index {@code i}, 1..{@link #count()}, or 0; within the
     * rows the last {@link #find} looked at.
     */
    int label(int i) {
        return this.labels[i];
    }

    /** How many counted pixels region {@code r} has. */
    int area(int r) {
        return this.area[r];
    }

    /** Whether region {@code r} was kept by the last {@link #keep}. */
    boolean kept(int r) {
        return this.kept[r];
    }

    /** The box around the counted pixels of the kept regions; null if none is kept. */
    Box keptBox() {
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = -1;
        int y1 = -1;
        for (int r = 1; r <= this.count; r++) {
            if (this.kept[r]) {
                x0 = Math.min(x0, this.minX[r]);
                y0 = Math.min(y0, this.minY[r]);
                x1 = Math.max(x1, this.maxX[r]);
                y1 = Math.max(y1, this.maxY[r]);
            }
        }
        return x1 < 0 ? null : Box.ofPixels(x0, y0, x1, y1, this.width, this.height);
    }

    /** The counted pixels of the kept regions. */
    int keptArea() {
        int sum = 0;
        for (int r = 1; r <= this.count; r++) {
            if (this.kept[r]) {
                sum += this.area[r];
            }
        }
        return sum;
    }

    /** The box around region {@code r}'s counted pixels; null if it has none. */
    Box box(int r) {
        return this.maxX[r] < 0 ? null
                : Box.ofPixels(this.minX[r], this.minY[r], this.maxX[r], this.maxY[r], this.width, this.height);
    }

}
