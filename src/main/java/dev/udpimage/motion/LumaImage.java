package dev.udpimage.motion;

/**
 * A small grey image: one unsigned byte of luma (0..255) per pixel, row by row.
 *
 * @param width pixels per row
 * @param height rows
 * @param pixels {@code width * height} bytes, row-major, origin top left
 */
public record LumaImage(int width, int height, byte[] pixels) {

    public LumaImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "a " + width + "x" + height + " image needs " + width * height + " bytes");
        }
    }

    /** The luma at column x, row y, 0..255. */
    public int at(int x, int y) {
        return this.pixels[y * this.width + x] & 0xff;
    }

}
