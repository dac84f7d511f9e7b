package dev.udpimage.motion;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGHuffmanTable;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.w3c.dom.Node;

/**
 * Camera-like test scenes, encoded with the JDK's JPEG writer in the layouts the tests
 * need (sampling factors, restart intervals, progressive, own quantisation tables); and
 * the reference the DC reader is held to: the mean luma of each 8x8 block of the JDK's
 * own decoding.
 */
final class Jpegs {

    private static final String NATIVE = "javax_imageio_jpeg_image_1.0";

    private Jpegs() {
    }

    /**
     * A scene like a fixed camera's: a sky-to-ground gradient, a few lit and shaded
     * shapes, a fence of thin lines, and sensor noise.
     */
    static BufferedImage scene(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sky = (double) y / height;
                int r = (int) (90 + 110 * sky + 20.0 * x / width);
                int g = (int) (130 + 60 * sky);
                int b = (int) (200 - 120 * sky);
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            int w = 1 + random.nextInt(Math.max(1, width / 3));
            int h = 1 + random.nextInt(Math.max(1, height / 3));
            int x = random.nextInt(width) - w / 4;
            int y = random.nextInt(height) - h / 4;
            if (i % 3 == 0) {
                g.fillOval(x, y, w, h);
            }
            else {
                g.fillRect(x, y, w, h);
            }
        }
        g.setStroke(new BasicStroke(1.5f));
        g.setColor(new Color(40, 35, 30));
        for (int x = 0; x < width; x += 7) {
            g.drawLine(x, height * 3 / 4, x + 3, height);
        }
        g.dispose();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int n = (int) Math.round(random.nextGaussian() * 5);
                image.setRGB(x, y,
                        clamp((rgb >> 16 & 255) + n) << 16 | clamp((rgb >> 8 & 255) + n) << 8 | clamp((rgb & 255) + n));
            }
        }
        return image;
    }

    /** The same scene in grey. */
    static BufferedImage greyScene(int width, int height, long seed) {
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        g.drawImage(scene(width, height, seed), 0, 0, null);
        g.dispose();
        return grey;
    }

    /** How to encode. */
    record Options(float quality, int lumaH, int lumaV, int chromaH, int chromaV, int restartInterval,
            boolean progressive, boolean optimisedHuffman, JPEGQTable[] tables) {

        /** 4:2:0, as cameras and the JDK write by default. */
        static Options quality(float quality) {
            return new Options(quality, 2, 2, 1, 1, 0, false, false, null);
        }

        Options sampling(int lumaH, int lumaV) {
            return sampling(lumaH, lumaV, 1, 1);
        }

        Options sampling(int lumaH, int lumaV, int chromaH, int chromaV) {
            return new Options(this.quality, lumaH, lumaV, chromaH, chromaV, this.restartInterval, this.progressive,
                    this.optimisedHuffman, this.tables);
        }

        Options restartInterval(int mcus) {
            return new Options(this.quality, this.lumaH, this.lumaV, this.chromaH, this.chromaV, mcus, this.progressive,
                    this.optimisedHuffman, this.tables);
        }

        Options inProgressiveMode() {
            return new Options(this.quality, this.lumaH, this.lumaV, this.chromaH, this.chromaV, this.restartInterval,
                    true, this.optimisedHuffman, this.tables);
        }

        /** Huffman tables made for the image, rather than the standard ones. */
        Options withOptimisedHuffman() {
            return new Options(this.quality, this.lumaH, this.lumaV, this.chromaH, this.chromaV, this.restartInterval,
                    this.progressive, true, this.tables);
        }

        Options tables(JPEGQTable... tables) {
            return new Options(this.quality, this.lumaH, this.lumaV, this.chromaH, this.chromaV, this.restartInterval,
                    this.progressive, this.optimisedHuffman, tables);
        }

    }

    static byte[] jpeg(BufferedImage image, float quality) {
        return jpeg(image, Options.quality(quality));
    }

    static byte[] jpeg(BufferedImage image, Options options) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            JPEGImageWriteParam param = (JPEGImageWriteParam) writer.getDefaultWriteParam();
            if (options.tables() != null) {
                param.setEncodeTables(options.tables(),
                        new JPEGHuffmanTable[] { JPEGHuffmanTable.StdDCLuminance, JPEGHuffmanTable.StdDCChrominance },
                        new JPEGHuffmanTable[] { JPEGHuffmanTable.StdACLuminance, JPEGHuffmanTable.StdACChrominance });
            }
            else {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(options.quality());
            }
            param.setOptimizeHuffmanTables(options.optimisedHuffman());
            if (options.progressive()) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                    param);
            Node tree = metadata.getAsTree(NATIVE);
            IIOMetadataNode markers = child(tree, "markerSequence");
            IIOMetadataNode frame = child(markers, "sof");
            if (frame != null) {
                boolean luma = true;
                for (Node spec = frame.getFirstChild(); spec != null; spec = spec.getNextSibling()) {
                    ((IIOMetadataNode) spec).setAttribute("HsamplingFactor",
                            Integer.toString(luma ? options.lumaH() : options.chromaH()));
                    ((IIOMetadataNode) spec).setAttribute("VsamplingFactor",
                            Integer.toString(luma ? options.lumaV() : options.chromaV()));
                    luma = false;
                }
            }
            if (options.restartInterval() > 0) {
                IIOMetadataNode dri = new IIOMetadataNode("dri");
                dri.setAttribute("interval", Integer.toString(options.restartInterval()));
                markers.insertBefore(dri, frame);
            }
            metadata.setFromTree(NATIVE, tree);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, metadata), param);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static IIOMetadataNode child(Node parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node.getNodeName().equals(name)) {
                return (IIOMetadataNode) node;
            }
        }
        return null;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The JDK's decoding of a JPEG's Y channel (its raster, before colour conversion):
     * what the blocks' DC coefficients are the means of, up to rounding and clamping.
     */
    static Raster decodedY(byte[] jpeg) {
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(input);
            return reader.readRaster(0, null);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        finally {
            reader.dispose();
        }
    }

    /** BT.601 luma of each pixel of an image. */
    static double[][] luma(BufferedImage image) {
        double[][] luma = new double[image.getHeight()][image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                luma[y][x] = 0.299 * (rgb >> 16 & 255) + 0.587 * (rgb >> 8 & 255) + 0.114 * (rgb & 255);
            }
        }
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) { // getRGB would convert
                                                               // grey
            Raster raster = image.getRaster();
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    luma[y][x] = raster.getSample(x, y, 0);
                }
            }
        }
        return luma;
    }

    static double[][] band(Raster raster, int band) {
        double[][] values = new double[raster.getHeight()][raster.getWidth()];
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                values[y][x] = raster.getSample(x, y, band);
            }
        }
        return values;
    }

    /**
     * The mean of each {@code n x n} cell of a picture (cells at its right and bottom
     * edges may be smaller), {@code ceil(width / n) x ceil(height / n)}.
     */
    static double[][] cellMeans(double[][] picture, int n) {
        int height = picture.length;
        int width = picture[0].length;
        double[][] means = new double[(height + n - 1) / n][(width + n - 1) / n];
        for (int cy = 0; cy < means.length; cy++) {
            for (int cx = 0; cx < means[0].length; cx++) {
                double sum = 0;
                int count = 0;
                for (int y = cy * n; y < Math.min(height, cy * n + n); y++) {
                    for (int x = cx * n; x < Math.min(width, cx * n + n); x++) {
                        sum += picture[y][x];
                        count++;
                    }
                }
                means[cy][cx] = sum / count;
            }
        }
        return means;
    }

    /**
     * The mean of each 8x8 block of a picture as a JPEG encoder pads it (libjpeg repeats
     * the last column and row up to the edge of the block),
     * {@code ceil(width / 8) x ceil(height / 8)}.
     */
    static double[][] blockMeans(double[][] picture) {
        int height = picture.length;
        int width = picture[0].length;
        double[][] means = new double[(height + 7) / 8][(width + 7) / 8];
        for (int by = 0; by < means.length; by++) {
            for (int bx = 0; bx < means[0].length; bx++) {
                double sum = 0;
                for (int y = by * 8; y < by * 8 + 8; y++) {
                    for (int x = bx * 8; x < bx * 8 + 8; x++) {
                        sum += picture[Math.min(y, height - 1)][Math.min(x, width - 1)];
                    }
                }
                means[by][bx] = sum / 64;
            }
        }
        return means;
    }

    /** Mean and largest absolute difference between an image and reference values. */
    record Difference(double mean, double max) {

        static Difference of(LumaImage image, double[][] reference) {
            if (image.height() != reference.length || image.width() != reference[0].length) {
                throw new AssertionError("a " + image.width() + "x" + image.height() + " image where "
                        + reference[0].length + "x" + reference.length + " was due");
            }
            double sum = 0;
            double max = 0;
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    double d = Math.abs(image.at(x, y) - reference[y][x]);
                    sum += d;
                    max = Math.max(max, d);
                }
            }
            return new Difference(sum / (image.width() * image.height()), max);
        }

        /** Over the blocks that lie wholly inside a picture. */
        static Difference inside(LumaImage image, double[][] reference, double[][] picture) {
            int width = picture[0].length / 8;
            int height = picture.length / 8;
            if (width == 0 || height == 0) {
                return new Difference(0, 0);
            }
            double[][] inner = new double[height][width];
            byte[] pixels = new byte[width * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    inner[y][x] = reference[y][x];
                    pixels[y * width + x] = (byte) image.at(x, y);
                }
            }
            return of(new LumaImage(width, height, pixels), inner);
        }

    }

    static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

}
