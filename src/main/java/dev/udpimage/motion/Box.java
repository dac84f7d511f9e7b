package dev.udpimage.motion;

/**
 * A rectangle in coordinates relative to the frame, like {@link Polygon}'s: 0 is the left
 * (top) edge, 1 the right (bottom) edge, so a box applies to the frame at any size.
 *
 * @param left the left edge, 0..1
 * @param top the top edge, 0..1
 * @param right the right edge, {@code left}..1
 * @param bottom the bottom edge, {@code top}..1
 */
public record Box(double left, double top, double right, double bottom) {

    public Box {
        if (!(0 <= left && left <= right && right <= 1 && 0 <= top && top <= bottom && bottom <= 1)) {
            throw new IllegalArgumentException(
                    "a box needs 0 <= left <= right <= 1 and 0 <= top <= bottom <= 1, not " + this);
        }
    }

    /**
     * The box around whole pixels {@code x0..x1}, {@code y0..y1} (inclusive) of a frame.
     */
    static Box ofPixels(int x0, int y0, int x1, int y1, int width, int height) {
        return new Box((double) x0 / width, (double) y0 / height, (double) (x1 + 1) / width,
                (double) (y1 + 1) / height);
    }

    /** The fraction of the frame the box covers. */
    public double area() {
        return (this.right - this.left) * (this.bottom - this.top);
    }

}
