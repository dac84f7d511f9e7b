package dev.udpimage.motion;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ServiceRegistry;

/**
 * {@link LumaSampler}'s slow way: ImageIO decodes the image with source subsampling, so
 * that the decoded picture is already small, and it is converted to luma and shrunk.
 *
 * <p>
 * The image is shrunk by a factor F (the smallest that fits it in the box; for a JPEG,
 * the smallest multiple of 8, as the fast way shrinks it). ImageIO keeps every s-th pixel
 * across and down, s = F / g with g the largest divisor of F up to 4, and the result is
 * averaged over g x g cells: every output pixel is the mean of a grid of the pixels it
 * covers.
 *
 * <p>
 * Keeps the readers it has used, reset between images: an instance is for one thread.
 */
final class ImageIoLuma {

    private final Map<ImageReaderSpi, ImageReader> readers = new HashMap<>();

    /** The last image's provider: the next image is most likely of the same format. */
    private ImageReaderSpi lastProvider;

    LumaImage read(byte[] bytes, int maxWidth, int maxHeight, long maxPixels) {
        // a new stream for each image: readers change its byte order, marks...
        BytesInput input = new BytesInput(bytes);
        ImageReaderSpi provider = provider(input);
        if (provider == null) {
            throw new LumaSampler.Unreadable("no image: " + bytes.length + " bytes in no format ImageIO reads", null);
        }
        ImageReader reader = this.readers.get(provider);
        boolean usable = false;
        try {
            if (reader == null) {
                reader = provider.createReaderInstance();
                this.readers.put(provider, reader);
            }
            reader.setInput(input, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0 || (long) width * height > maxPixels) {
                usable = true;
                throw new LumaSampler.Unreadable(
                        "an image of " + width + "x" + height + " pixels, over the limit of " + maxPixels, null);
            }
            int factor = LumaSampler.factor(width, height, maxWidth, maxHeight);
            if (isJpeg(provider)) {
                factor = 8 * LumaSampler.ceilDiv(factor, 8);
            }
            int cell = (factor % 4 == 0) ? 4 : (factor % 3 == 0) ? 3 : (factor % 2 == 0) ? 2 : 1;
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(factor / cell, factor / cell, 0, 0);
            BufferedImage image = reader.read(0, param);
            usable = true;
            return LumaSampler.shrink(luma(image), cell);
        }
        catch (IOException | RuntimeException ex) {
            if (ex instanceof LumaSampler.Unreadable unreadable) {
                throw unreadable;
            }
            throw new LumaSampler.Unreadable(
                    "unreadable " + provider.getFormatNames()[0] + " (" + bytes.length + " bytes): " + ex.getMessage(),
                    ex);
        }
        finally {
            if (reader != null) {
                if (usable) {
                    reader.reset();
                }
                else { // one that gave up may be in any state: the next image gets
                       // another
                    reader.dispose();
                    this.readers.remove(provider);
                }
            }
        }
    }

    private ImageReaderSpi provider(BytesInput input) {
        CanDecode canDecode = new CanDecode(input);
        if (this.lastProvider != null && canDecode.filter(this.lastProvider)) {
            return this.lastProvider;
        }
        Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance()
            .getServiceProviders(ImageReaderSpi.class, canDecode, true);
        this.lastProvider = providers.hasNext() ? providers.next() : null;
        return this.lastProvider;
    }

    private static boolean isJpeg(ImageReaderSpi provider) {
        for (String name : provider.getFormatNames()) {
            if (name.equalsIgnoreCase("jpeg")) {
                return true;
            }
        }
        return false;
    }

    /** BT.601 luma of each pixel; grey images' own samples, scaled to 8 bits. */
    static LumaImage luma(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] pixels = new byte[width * height];
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int[] row = new int[width];
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1) {
            // not getRGB: it would convert the (linear) grey to sRGB
            int max = (1 << model.getComponentSize(0)) - 1;
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    pixels[y * width + x] = (byte) ((row[x] * 255 + max / 2) / max);
                }
            }
        }
        else {
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, row, 0, width);
                for (int x = 0; x < width; x++) {
                    int rgb = row[x];
                    pixels[y * width + x] = (byte) ((299 * (rgb >> 16 & 0xff) + 587 * (rgb >> 8 & 0xff)
                            + 114 * (rgb & 0xff) + 500) / 1000);
                }
            }
        }
        return new LumaImage(width, height, pixels);
    }

    /** ImageIO's own test of a provider (its filter class is private). */
    private record CanDecode(BytesInput input) implements ServiceRegistry.Filter {

        @Override
        public boolean filter(Object provider) {
            try {
                return ((ImageReaderSpi) provider).canDecodeInput(this.input);
            }
            catch (IOException ex) {
                return false;
            }
        }

    }

}
