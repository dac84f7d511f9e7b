package dev.udpimage.motion;

/**
 * Reads a baseline or extended-sequential Huffman JPEG at 1/8 scale, from the DC
 * coefficients of its luma blocks: each 8x8 block's DC coefficient is that block's mean,
 * so no inverse DCT, upsampling or colour conversion is needed, and the AC coefficients
 * are only skipped.
 *
 * <p>
 * The result has {@code ceil(width / 8) x ceil(height / 8)} pixels; pixel (x, y) is the
 * mean luma of the image's pixels {@code 8x..8x+7, 8y..8y+7}, as
 * {@code clamp(round(DC * Q / 8) + 128)} (Q the DC quantisation step). Blocks that only
 * pad the last MCUs beyond the image's edge are dropped. When luma is sampled less
 * densely than another component, a luma block covers more than 8x8 pixels and its mean
 * is repeated.
 *
 * <p>
 * Reads SOI, APPn and COM (skipped, but for the JFIF and Adobe markers' colour
 * transform), DQT (8- and 16-bit), DHT, SOF0 and SOF1 with 8-bit samples, DRI, SOS with
 * interleaved or non-interleaved scans (the luma scan is decoded; scans before it are
 * skipped; nothing after it is read), restart markers, stuffed and fill bytes. The image
 * is greyscale (one component) or YCbCr (three, the first luma) with sampling factors
 * 1..4. Anything else is {@link Unsupported}: progressive, lossless, hierarchical,
 * arithmetic-coded, 12-bit, RGB or CMYK JPEGs, DNL, more pixels than allowed.
 *
 * <p>
 * Holds lookup tables and buffers that it reuses from image to image: an instance is for
 * one thread at a time.
 */
public final class JpegDcReader {

    /** Most pixels (width x height) an image may have by default. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /**
     * A valid JPEG (or not a JPEG) that this reader does not read: read it another way.
     */
    public static class Unsupported extends RuntimeException {

        public Unsupported(String message) {
            super(message);
        }

    }

    /** Bytes that start as a JPEG but break its rules or end too soon. */
    public static class Corrupt extends RuntimeException {

        public Corrupt(String message) {
            super(message);
        }

    }

    private final HuffmanTable[] dcTables = { new HuffmanTable(false), new HuffmanTable(false), new HuffmanTable(false),
            new HuffmanTable(false) };

    private final HuffmanTable[] acTables = { new HuffmanTable(true), new HuffmanTable(true), new HuffmanTable(true),
            new HuffmanTable(true) };

    /** The DC step of each quantisation table, 0 while not defined. */
    private final int[] dcSteps = new int[4];

    private final ScanData scanData = new ScanData();

    private final EntropyDecoder.Plan plan = new EntropyDecoder.Plan();

    /** Whether the bytes start as a JPEG does (SOI, then a marker). */
    public static boolean isJpeg(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xD8 && bytes[2] == (byte) 0xFF;
    }

    /** {@link #read(byte[], long)} with {@link #DEFAULT_MAX_PIXELS}. */
    public LumaImage read(byte[] jpeg) {
        return read(jpeg, DEFAULT_MAX_PIXELS);
    }

    /**
     * The image's luma at 1/8 scale.
     * @param jpeg the whole JPEG file
     * @param maxPixels most pixels (width x height) the image may claim
     * @throws Unsupported if the bytes are not a JPEG this reader reads, or claim more
     * than {@code maxPixels}
     * @throws Corrupt if they are a broken or truncated JPEG
     */
    public LumaImage read(byte[] jpeg, long maxPixels) {
        if (!isJpeg(jpeg)) {
            throw new Unsupported("not a JPEG");
        }
        for (int i = 0; i < 4; i++) {
            this.dcTables[i].undefine();
            this.acTables[i].undefine();
            this.dcSteps[i] = 0;
        }
        return new MarkerParser(jpeg, maxPixels).parse();
    }

    /** One image's markers, in order. */
    private final class MarkerParser {

        private final byte[] jpeg;

        private final long maxPixels;

        private Frame frame;

        private int restartInterval;

        /** The colour transform of an Adobe APP14 marker, -1 if none. */
        private int adobeTransform = -1;

        private boolean jfif;

        MarkerParser(byte[] jpeg, long maxPixels) {
            this.jpeg = jpeg;
            this.maxPixels = maxPixels;
        }

        LumaImage parse() {
            int pos = 2;
            while (true) {
                if (pos >= this.jpeg.length || this.jpeg[pos] != (byte) 0xFF) {
                    throw new Corrupt(
                            pos >= this.jpeg.length ? "the JPEG ends before its image" : "no marker at byte " + pos);
                }
                while (pos < this.jpeg.length && this.jpeg[pos] == (byte) 0xFF) {
                    pos++; // fill bytes
                }
                if (pos >= this.jpeg.length) {
                    throw new Corrupt("the JPEG ends before its image");
                }
                int marker = this.jpeg[pos++] & 0xff;
                if (marker == 0x01) { // TEM: no segment
                    continue;
                }
                int end = segmentEnd(pos, marker);
                pos += 2;
                switch (marker) {
                    case 0xC0, 0xC1 -> startFrame(pos, end);
                    case 0xC4 -> defineHuffmanTables(pos, end);
                    case 0xDB -> defineQuantisationTables(pos, end);
                    case 0xDD -> defineRestartInterval(pos, end);
                    case 0xE0 -> this.jfif |= startsWith(pos, end, "JFIF\0");
                    case 0xEE -> readAdobe(pos, end);
                    case 0xDA -> {
                        LumaImage image = scan(pos, end);
                        if (image != null) {
                            return image;
                        }
                        end = ScanData.skip(this.jpeg, end);
                    }
                    default -> {
                        // APPn and COM are skipped
                        boolean skipped = (marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE;
                        if (!skipped) {
                            throw new Unsupported(describe(marker));
                        }
                    }
                }
                pos = end;
            }
        }

        /** The end of the segment whose length is at {@code pos}. */
        private int segmentEnd(int pos, int marker) {
            if (marker == 0x00 || marker == 0xD8 || marker == 0xD9 || (marker >= 0xD0 && marker <= 0xD7)) {
                throw new Corrupt(describe(marker) + " before the image's scan");
            }
            if (pos + 2 > this.jpeg.length) {
                throw new Corrupt("the JPEG ends in a marker's length");
            }
            int length = (this.jpeg[pos] & 0xff) << 8 | (this.jpeg[pos + 1] & 0xff);
            if (length < 2) {
                throw new Corrupt("a marker segment of length " + length + " at byte " + pos);
            }
            if (pos + length > this.jpeg.length) {
                throw new Corrupt("the JPEG ends inside a marker segment of " + length + " bytes at byte " + pos);
            }
            return pos + length;
        }

        private void startFrame(int pos, int end) {
            if (this.frame != null) {
                throw new Corrupt("two frames");
            }
            this.frame = Frame.parse(this.jpeg, pos, end, this.maxPixels);
        }

        private void defineHuffmanTables(int pos, int end) {
            while (pos < end) {
                int classAndId = this.jpeg[pos++] & 0xff;
                int id = classAndId & 15;
                int tableClass = classAndId >> 4;
                if (tableClass > 1 || id > 3) {
                    throw new Corrupt("DHT of class " + tableClass + " and id " + id);
                }
                HuffmanTable table = (tableClass == 0) ? dcTables[id] : acTables[id];
                pos += table.define(this.jpeg, pos, end);
            }
        }

        private void defineQuantisationTables(int pos, int end) {
            while (pos < end) {
                int precisionAndId = this.jpeg[pos] & 0xff;
                int id = precisionAndId & 15;
                int precision = precisionAndId >> 4;
                int length = (precision == 0) ? 65 : 129;
                if (precision > 1 || id > 3 || pos + length > end) {
                    throw new Corrupt(
                            "DQT of precision " + precision + " and id " + id + " in " + (end - pos) + " bytes");
                }
                int step = (precision == 0) ? this.jpeg[pos + 1] & 0xff
                        : (this.jpeg[pos + 1] & 0xff) << 8 | (this.jpeg[pos + 2] & 0xff);
                if (step == 0) {
                    throw new Corrupt("a quantisation step of 0");
                }
                dcSteps[id] = step;
                pos += length;
            }
        }

        private void defineRestartInterval(int pos, int end) {
            if (end - pos != 2) {
                throw new Corrupt("DRI of " + (end - pos) + " bytes");
            }
            this.restartInterval = (this.jpeg[pos] & 0xff) << 8 | (this.jpeg[pos + 1] & 0xff);
        }

        private void readAdobe(int pos, int end) {
            if (startsWith(pos, end, "Adobe") && end - pos >= 12) {
                this.adobeTransform = this.jpeg[pos + 11] & 0xff;
            }
        }

        private boolean startsWith(int pos, int end, String text) {
            if (end - pos < text.length()) {
                return false;
            }
            for (int i = 0; i < text.length(); i++) {
                if (this.jpeg[pos + i] != text.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Decodes the scan if it has the luma component; null if it has not. */
        private LumaImage scan(int pos, int end) {
            if (this.frame == null) {
                throw new Corrupt("a scan before the frame");
            }
            if (this.frame.components() == 3 && !isYCbCr()) {
                throw new Unsupported("an RGB JPEG");
            }
            if (!this.frame.plan(this.jpeg, pos, end, dcTables, acTables, this.restartInterval, plan)) {
                return null;
            }
            int step = dcSteps[this.frame.quantTable(0)];
            if (step == 0) {
                throw new Corrupt("the luma quantisation table is not defined");
            }
            plan.quant = step;
            return this.frame.decode(scanData, plan, this.jpeg, end);
        }

        /** As libjpeg guesses the colour space of three components. */
        private boolean isYCbCr() {
            if (this.jfif) {
                return true;
            }
            if (this.adobeTransform >= 0) {
                return this.adobeTransform != 0;
            }
            return !(this.frame.id(0) == 'R' && this.frame.id(1) == 'G' && this.frame.id(2) == 'B');
        }

    }

    static String describe(int marker) {
        return switch (marker) {
            case 0xC2 -> "a progressive JPEG";
            case 0xC3 -> "a lossless JPEG";
            case 0xC5, 0xC6, 0xC7, 0xCD, 0xCE, 0xCF, 0xDE, 0xDF -> "a hierarchical JPEG";
            case 0xC9, 0xCC -> "an arithmetic-coded JPEG";
            case 0xCA -> "an arithmetic-coded progressive JPEG";
            case 0xCB -> "an arithmetic-coded lossless JPEG";
            case 0xDC -> "a JPEG with a DNL marker";
            case 0xD8 -> "SOI";
            case 0xD9 -> "EOI";
            default -> String.format("marker 0x%02X", marker);
        };
    }

}
