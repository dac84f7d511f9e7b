package dev.udpimage.motion;

/**
 * A JPEG frame header (SOF0 or SOF1): the image's size and components; and how a scan of
 * it is laid out in blocks (ITU T.81 A.2, B.2.2, B.2.3). Component 0 is luma.
 */
final class Frame {

    private final int width;

    private final int height;

    private final int[] ids;

    private final int[] horizontal;

    private final int[] vertical;

    private final int[] quantTables;

    private final int maxHorizontal;

    private final int maxVertical;

    private Frame(int width, int height, int[] ids, int[] horizontal, int[] vertical, int[] quantTables) {
        this.width = width;
        this.height = height;
        this.ids = ids;
        this.horizontal = horizontal;
        this.vertical = vertical;
        this.quantTables = quantTables;
        int maxH = 1;
        int maxV = 1;
        for (int c = 0; c < ids.length; c++) {
            maxH = Math.max(maxH, horizontal[c]);
            maxV = Math.max(maxV, vertical[c]);
        }
        this.maxHorizontal = maxH;
        this.maxVertical = maxV;
    }

    /**
     * The frame header between {@code pos} (after the length) and {@code end}.
     * @throws JpegDcReader.Unsupported for other than 8-bit samples, other than 1 or 3
     * components, a height given later (DNL), or more than {@code maxPixels} pixels
     * @throws JpegDcReader.Corrupt for a malformed header
     */
    static Frame parse(byte[] jpeg, int pos, int end, long maxPixels) {
        if (end - pos < 6) {
            throw new JpegDcReader.Corrupt("SOF of " + (end - pos) + " bytes");
        }
        int precision = jpeg[pos] & 0xff;
        int height = (jpeg[pos + 1] & 0xff) << 8 | (jpeg[pos + 2] & 0xff);
        int width = (jpeg[pos + 3] & 0xff) << 8 | (jpeg[pos + 4] & 0xff);
        int components = jpeg[pos + 5] & 0xff;
        if (precision != 8) {
            throw new JpegDcReader.Unsupported("a JPEG of " + precision + "-bit samples");
        }
        if (height == 0) {
            throw new JpegDcReader.Unsupported(JpegDcReader.describe(0xDC));
        }
        if (width == 0) {
            throw new JpegDcReader.Corrupt("a JPEG 0 pixels wide");
        }
        if ((long) width * height > maxPixels) {
            throw new JpegDcReader.Unsupported("a JPEG of " + width + "x" + height + " pixels, over " + maxPixels);
        }
        if (components != 1 && components != 3) {
            throw new JpegDcReader.Unsupported("a JPEG of " + components + " components");
        }
        if (end - pos != 6 + 3 * components) {
            throw new JpegDcReader.Corrupt("SOF of " + (end - pos) + " bytes for " + components + " components");
        }
        int[] ids = new int[components];
        int[] horizontal = new int[components];
        int[] vertical = new int[components];
        int[] quantTables = new int[components];
        for (int c = 0; c < components; c++) {
            int at = pos + 6 + 3 * c;
            ids[c] = jpeg[at] & 0xff;
            horizontal[c] = (jpeg[at + 1] & 0xff) >> 4;
            vertical[c] = jpeg[at + 1] & 15;
            quantTables[c] = jpeg[at + 2] & 0xff;
            if (horizontal[c] < 1 || horizontal[c] > 4 || vertical[c] < 1 || vertical[c] > 4 || quantTables[c] > 3) {
                throw new JpegDcReader.Corrupt("component " + ids[c] + " sampled " + horizontal[c] + "x" + vertical[c]
                        + " with table " + quantTables[c]);
            }
            for (int other = 0; other < c; other++) {
                if (ids[other] == ids[c]) {
                    throw new JpegDcReader.Corrupt("two components with id " + ids[c]);
                }
            }
        }
        return new Frame(width, height, ids, horizontal, vertical, quantTables);
    }

    int components() {
        return this.ids.length;
    }

    int id(int component) {
        return this.ids[component];
    }

    int quantTable(int component) {
        return this.quantTables[component];
    }

    /** Luma blocks across: {@code ceil(ceil(width * H / Hmax) / 8)}. */
    private int lumaBlocksWide() {
        return ceilDiv(ceilDiv(this.width * this.horizontal[0], this.maxHorizontal), 8);
    }

    private int lumaBlocksHigh() {
        return ceilDiv(ceilDiv(this.height * this.vertical[0], this.maxVertical), 8);
    }

    /**
     * Reads the scan header between {@code pos} and {@code end} into {@code plan} (which
     * is only complete for a scan with luma: the others are skipped, not decoded).
     * @return whether the scan has the luma component
     * @throws JpegDcReader.Corrupt for a malformed header, or tables not defined
     */
    boolean plan(byte[] jpeg, int pos, int end, HuffmanTable[] dc, HuffmanTable[] ac, int restartInterval,
            EntropyDecoder.Plan plan) {
        int count = (end > pos) ? jpeg[pos] & 0xff : 0;
        if (count < 1 || count > components() || end - pos != 4 + 2 * count) {
            throw new JpegDcReader.Corrupt("SOS of " + count + " components in " + (end - pos) + " bytes");
        }
        boolean interleaved = count > 1;
        boolean luma = false;
        int blocks = 0;
        int seen = 0;
        for (int i = 0; i < count; i++) {
            int id = jpeg[pos + 1 + 2 * i] & 0xff;
            int tables = jpeg[pos + 2 + 2 * i] & 0xff;
            int c = 0;
            while (c < components() && this.ids[c] != id) {
                c++;
            }
            if (c == components() || (seen & 1 << c) != 0) {
                throw new JpegDcReader.Corrupt("a scan of component " + id + " that is not in the frame, or twice");
            }
            seen |= 1 << c;
            HuffmanTable dcTable = dc[tables >> 4 & 3];
            HuffmanTable acTable = ac[tables & 3];
            if ((tables >> 4) > 3 || (tables & 15) > 3 || !dcTable.defined() || !acTable.defined()) {
                throw new JpegDcReader.Corrupt("a scan with Huffman tables " + (tables >> 4) + " and " + (tables & 15)
                        + " that are not defined");
            }
            int wide = interleaved ? this.horizontal[c] : 1;
            int high = interleaved ? this.vertical[c] : 1;
            if (blocks + wide * high > 10) {
                throw new JpegDcReader.Corrupt("an MCU of more than 10 blocks");
            }
            luma |= c == 0;
            for (int y = 0; y < high; y++) {
                for (int x = 0; x < wide; x++, blocks++) {
                    plan.dc[blocks] = dcTable;
                    plan.ac[blocks] = acTable;
                    plan.lumaX[blocks] = (c == 0) ? x : -1;
                    plan.lumaY[blocks] = (c == 0) ? y : -1;
                }
            }
        }
        plan.blocks = blocks;
        plan.restartInterval = restartInterval;
        plan.lumaH = interleaved ? this.horizontal[0] : 1;
        plan.lumaV = interleaved ? this.vertical[0] : 1;
        plan.mcusX = interleaved ? ceilDiv(this.width, 8 * this.maxHorizontal) : lumaBlocksWide();
        plan.mcusY = interleaved ? ceilDiv(this.height, 8 * this.maxVertical) : lumaBlocksHigh();
        return luma;
    }

    /**
     * Decodes the luma scan planned in {@code plan}, whose data starts at {@code pos}.
     */
    LumaImage decode(ScanData data, EntropyDecoder.Plan plan, byte[] jpeg, int pos) {
        data.load(jpeg, pos);
        // every block takes two codes of at least a bit: data too short for the blocks is
        // refused before their grid is allocated
        long blocks = (long) plan.mcusX * plan.mcusY * plan.blocks;
        if (data.bits() < 2 * blocks) {
            throw new JpegDcReader.Corrupt("a scan of " + blocks + " blocks in " + data.bits() / 8 + " bytes");
        }
        int outWide = ceilDiv(this.width, 8);
        int outHigh = ceilDiv(this.height, 8);
        int gridWide = lumaBlocksWide();
        int gridHigh = lumaBlocksHigh();
        byte[] grid = new byte[gridWide * gridHigh];
        EntropyDecoder.decode(data, plan, grid, gridWide, gridHigh);
        if (gridWide == outWide && gridHigh == outHigh) {
            return new LumaImage(outWide, outHigh, grid);
        }
        // luma sampled less densely than another component: each block covers more pixels
        byte[] out = new byte[outWide * outHigh];
        for (int y = 0; y < outHigh; y++) {
            int row = Math.min(y * this.vertical[0] / this.maxVertical, gridHigh - 1) * gridWide;
            for (int x = 0; x < outWide; x++) {
                out[y * outWide + x] = grid[row + Math.min(x * this.horizontal[0] / this.maxHorizontal, gridWide - 1)];
            }
        }
        return new LumaImage(outWide, outHigh, out);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

}
