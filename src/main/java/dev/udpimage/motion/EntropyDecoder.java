package dev.udpimage.motion;

import java.lang.invoke.VarHandle;

/**
 * Decodes the DC coefficients of one Huffman-coded sequential scan and skips its AC
 * coefficients (ITU T.81 Annex F.2.2), over its {@link ScanData}: no test for markers,
 * the next bits of the stream kept in a 64-bit window that one 8-byte load tops up
 * without a test either. A block that reads past its segment's end is corrupt data (a
 * valid encoder pads the last byte of a segment with fewer than 8 bits); the zero bytes
 * after the data let it finish before that is noticed.
 */
final class EntropyDecoder {

    private static final VarHandle LONGS = ScanData.LONGS;

    private EntropyDecoder() {
    }

    /** What a scan consists of, filled in by the marker parser. */
    static final class Plan {

        /** Blocks per MCU, and for each: its tables and, for a luma block, its place. */
        int blocks;

        final HuffmanTable[] dc = new HuffmanTable[10];

        final HuffmanTable[] ac = new HuffmanTable[10];

        /**
         * Column and row of the block in its MCU's luma blocks, -1 for other components.
         */
        final int[] lumaX = new int[10];

        final int[] lumaY = new int[10];

        /** Luma blocks per MCU across and down. */
        int lumaH;

        int lumaV;

        int mcusX;

        int mcusY;

        /** MCUs per restart interval, 0 for none. */
        int restartInterval;

        /** The luma DC coefficient's quantisation step. */
        int quant;

    }

    /**
     * Decodes a scan's data, writing each luma block's mean into {@code out}, a grid of
     * {@code gridWidth x gridHeight} blocks; blocks outside it (the padding of the last
     * MCUs) are decoded and dropped.
     * @throws JpegDcReader.Corrupt if the data does not decode to exactly the scan's MCUs
     */
    static void decode(ScanData data, Plan plan, byte[] out, int gridWidth, int gridHeight) {
        int mcus = plan.mcusX * plan.mcusY;
        int interval = plan.restartInterval > 0 ? plan.restartInterval : mcus;
        int intervals = (mcus + interval - 1) / interval;
        // a restart marker after the last MCU leaves an empty segment: harmless
        int segments = data.segments();
        boolean trailingMarker = segments == intervals + 1 && data.end(intervals) == data.end(intervals - 1);
        if (segments != intervals && !trailingMarker) {
            throw new JpegDcReader.Corrupt(
                    "a scan of " + intervals + " restart intervals has " + segments + " in its data");
        }
        int blocks = plan.blocks;
        int[][] dcEntries = new int[blocks][];
        char[][] acRuns = new char[blocks][];
        for (int b = 0; b < blocks; b++) {
            dcEntries[b] = plan.dc[b].single;
            acRuns[b] = plan.ac[b].run;
        }
        int[] lumaX = plan.lumaX;
        int[] lumaY = plan.lumaY;
        long quant = plan.quant;
        byte[] buf = data.bytes();
        int mx = 0;
        int my = 0;
        int start = 0;
        for (int segment = 0; segment < intervals; segment++) {
            int end = data.end(segment);
            int limit = end * 8;
            // the bits from "next" on, left-aligned in "window", "valid" of them (T.81's
            // bits, most significant first); a refill adds whole bytes up to 56..63 bits
            // without a test: it loads 8 bytes and keeps those that fit, and the partial
            // byte after them is loaded again next time
            int next = start;
            long window = 0;
            int valid = 0;
            int pred = 0;
            int count = Math.min(interval, mcus - segment * interval);
            for (int m = 0; m < count; m++) {
                for (int b = 0; b < blocks; b++) {
                    window |= (long) LONGS.get(buf, next) >>> valid;
                    next += (63 - valid) >>> 3;
                    valid |= 56;
                    int e = dcEntries[b][(int) (window >>> HuffmanTable.SHIFT)];
                    int taken;
                    if (lumaX[b] >= 0) {
                        int diff;
                        if ((e & HuffmanTable.DC_INLINE) != 0) {
                            taken = e & 31;
                            diff = e >> 16;
                        }
                        else {
                            int ls = (e != 0) ? e >>> 10 & 31 | (e >>> 5 & 31) << 8 : dcSlow(plan.dc[b], window);
                            int length = ls & 0xff;
                            int size = ls >>> 8;
                            diff = (size == 0) ? 0
                                    : HuffmanTable.extend((int) (window << length >>> (64 - size)), size);
                            taken = length + size;
                        }
                        pred += diff;
                        int x = mx * plan.lumaH + lumaX[b];
                        int y = my * plan.lumaV + lumaY[b];
                        if (x < gridWidth && y < gridHeight) {
                            long mean = ((pred * quant + 4) >> 3) + 128;
                            out[y * gridWidth + x] = (byte) (mean < 0 ? 0 : mean > 255 ? 255 : mean);
                        }
                    }
                    else if (e != 0) {
                        taken = e & 31;
                    }
                    else {
                        int ls = dcSlow(plan.dc[b], window);
                        taken = (ls & 0xff) + (ls >>> 8);
                    }
                    window <<= taken;
                    valid -= taken;
                    // the AC coefficients, skipped
                    char[] runs = acRuns[b];
                    int k = 1;
                    while (true) {
                        window |= (long) LONGS.get(buf, next) >>> valid;
                        next += (63 - valid) >>> 3;
                        valid |= 56;
                        int run = runs[(int) (window >>> HuffmanTable.SHIFT)];
                        int covered = run >>> 5 & 0xff;
                        if (k + covered > 64) {
                            run = acSingle(plan.ac[b], window, k);
                            covered = run >>> 5 & 0xff;
                        }
                        taken = run & 31;
                        window <<= taken;
                        valid -= taken;
                        k += covered;
                        if (run >= HuffmanTable.AC_EOB || k == 64) {
                            break;
                        }
                        // at least 30 bits left: a second code without topping up
                        run = runs[(int) (window >>> HuffmanTable.SHIFT)];
                        covered = run >>> 5 & 0xff;
                        if (k + covered > 64) {
                            run = acSingle(plan.ac[b], window, k);
                            covered = run >>> 5 & 0xff;
                        }
                        taken = run & 31;
                        window <<= taken;
                        valid -= taken;
                        k += covered;
                        if (run >= HuffmanTable.AC_EOB || k == 64) {
                            break;
                        }
                    }
                    if (next * 8 - valid > limit) {
                        throw new JpegDcReader.Corrupt("the data ends inside a block");
                    }
                }
                if (++mx == plan.mcusX) {
                    mx = 0;
                    my++;
                }
            }
            int bit = next * 8 - valid;
            if (limit - bit >= 8) {
                throw new JpegDcReader.Corrupt((limit - bit) / 8 + " bytes of data left over after a restart interval");
            }
            start = end;
        }
    }

    /** A DC code longer than the look-ahead: code length | size << 8. */
    private static int dcSlow(HuffmanTable table, long window) {
        int code = table.decodeSlow((int) (window >>> 48));
        int size = code & 0xff;
        if (size > 11) {
            throw new JpegDcReader.Corrupt("a DC difference of " + size + " bits");
        }
        return code >>> 8 | size << 8;
    }

    /** The next AC code alone, where a run of them would go past the block's end. */
    private static int acSingle(HuffmanTable table, long window, int k) {
        int run = table.single[(int) (window >>> HuffmanTable.SHIFT)];
        if (run == 0) {
            run = acSlow(table, window);
        }
        if ((run & HuffmanTable.AC_EOB) == 0 && k + (run >>> 5 & 0xff) > 64) {
            throw new JpegDcReader.Corrupt("a block of more than 64 coefficients");
        }
        return run;
    }

    /** An AC code longer than the look-ahead, as a single entry of its table. */
    private static int acSlow(HuffmanTable table, long window) {
        int code = table.decodeSlow((int) (window >>> 48));
        int length = code >>> 8;
        int run = (code >>> 4) & 15;
        int size = code & 15;
        if (size > 10) {
            throw new JpegDcReader.Corrupt("an AC coefficient of " + size + " bits");
        }
        if (size > 0) {
            return (length + size) | (run + 1) << 5;
        }
        return (run == 15) ? length | 16 << 5 : length | 1 << 5 | HuffmanTable.AC_EOB;
    }

}
