package dev.udpimage.motion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A polygon in coordinates relative to the frame: x from 0 (left edge) to 1 (right edge),
 * y from 0 (top edge) to 1 (bottom edge), so one polygon fits every frame size. Its edges
 * join the points in order and the last point back to the first; a pixel is inside when
 * its centre is (even-odd rule, so a self-crossing outline leaves holes).
 *
 * <p>
 * The settings' syntax is the points separated by white space, each point {@code x,y}:
 * {@code "0,0 0.5,0 0.5,1 0,1"} is the left half of the frame.
 */
public final class Polygon {

    /** A decimal number; Double.parseDouble alone also takes "NaN", "0x1p-1", "1d". */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final double[] xs;

    private final double[] ys;

    private Polygon(double[] xs, double[] ys) {
        this.xs = xs;
        this.ys = ys;
    }

    /**
     * The polygon that {@code text} describes: at least three points {@code x,y},
     * separated by white space, every coordinate a decimal number from 0 to 1.
     * @param text the points, e.g. {@code "0.1,0.2 0.5,0.2 0.3,0.9"}
     * @return the polygon
     * @throws IllegalArgumentException if {@code text} is not of that form; the message
     * says what is wrong
     */
    public static Polygon parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a polygon needs at least 3 points \"x,y x,y x,y\", got nothing");
        }
        String[] points = text.strip().split("\\s+");
        if (points.length < 3) {
            throw new IllegalArgumentException(
                    "a polygon needs at least 3 points \"x,y x,y x,y\", got " + points.length + " in \"" + text + "\"");
        }
        double[] xs = new double[points.length];
        double[] ys = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            String[] xy = points[i].split(",", -1);
            if (xy.length != 2) {
                throw new IllegalArgumentException(
                        "point " + (i + 1) + " \"" + points[i] + "\" of \"" + text + "\" is not x,y");
            }
            xs[i] = coordinate(xy[0], i, points[i], text);
            ys[i] = coordinate(xy[1], i, points[i], text);
        }
        return new Polygon(xs, ys);
    }

    /**
     * The polygon through these points, alternately x and y.
     * @param xy x1, y1, x2, y2, ... each 0 to 1, at least three points
     * @return the polygon
     */
    public static Polygon of(double... xy) {
        if (xy.length < 6 || xy.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "a polygon needs at least 3 points as x, y pairs, got " + xy.length + " numbers");
        }
        double[] xs = new double[xy.length / 2];
        double[] ys = new double[xy.length / 2];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = xy[2 * i];
            ys[i] = xy[2 * i + 1];
            if (!(xs[i] >= 0 && xs[i] <= 1 && ys[i] >= 0 && ys[i] <= 1)) {
                throw new IllegalArgumentException("point " + (i + 1) + " (" + xs[i] + ", " + ys[i]
                        + ") is outside the frame: coordinates go from 0 to 1");
            }
        }
        return new Polygon(xs, ys);
    }

    private static double coordinate(String value, int index, String point, String text) {
        if (!NUMBER.matcher(value).matches()) {
            throw new IllegalArgumentException("point " + (index + 1) + " \"" + point + "\" of \"" + text
                    + "\" has a coordinate that is not a number");
        }
        double v = Double.parseDouble(value);
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("point " + (index + 1) + " \"" + point + "\" of \"" + text
                    + "\" is outside the frame: coordinates go from 0 to 1");
        }
        return v;
    }

    /** How many points the polygon has. */
    public int size() {
        return this.xs.length;
    }

    /**
     * Whether the point (x, y), in the frame's relative coordinates, is inside (even-odd
     * rule; a point exactly on an edge may fall either side).
     */
    public boolean contains(double x, double y) {
        boolean inside = false;
        int n = this.xs.length;
        for (int i = 0, j = n - 1; i < n; j = i++) {
            double yi = this.ys[i];
            double yj = this.ys[j];
            if ((yi > y) != (yj > y)) {
                double crossing = this.xs[j] + (y - yj) * (this.xs[i] - this.xs[j]) / (yi - yj);
                if (x < crossing) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }

    /**
     * The pixels of a {@code width} x {@code height} frame whose centres are inside.
     * @return {@code width * height} flags, row-major like {@link LumaImage#pixels()}
     */
    public boolean[] rasterise(int width, int height) {
        boolean[] inside = new boolean[width * height];
        for (int y = 0; y < height; y++) {
            double cy = (y + 0.5) / height;
            for (int x = 0; x < width; x++) {
                inside[y * width + x] = contains((x + 0.5) / width, cy);
            }
        }
        return inside;
    }

    /** The points in the settings' syntax, e.g. {@code "0.1,0.2 0.5,0.2 0.3,0.9"}. */
    @Override
    public String toString() {
        List<String> points = new ArrayList<>(this.xs.length);
        for (int i = 0; i < this.xs.length; i++) {
            points.add(number(this.xs[i]) + "," + number(this.ys[i]));
        }
        return String.join(" ", points);
    }

    private static String number(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Polygon p && Arrays.equals(this.xs, p.xs) && Arrays.equals(this.ys, p.ys);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(this.xs) + Arrays.hashCode(this.ys);
    }

}
