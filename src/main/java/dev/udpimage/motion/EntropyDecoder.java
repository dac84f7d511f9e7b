package dev.udpimage.motion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Decodes the DC coefficients of one Huffman-coded sequential scan and skips its AC
 * coefficients (ITU T.81 Annex F.2.2).
 *
 * <p>
 * The scan's entropy-coded data is first copied without its stuffed zero bytes
 * ({@code FF 00} becomes {@code FF}) and cut at its restart markers into one segment per
 * restart interval. Decoding then needs no test for markers: the next bits of the stream
 * are one 8-byte load at the bit position, kept in a 64-bit window that is reloaded when
 * fewer bits remain in it than the longest code takes. A block that reads past its
 * segment's end is corrupt data (a valid encoder pads the last byte of a segment with
 * fewer than 8 bits), and the buffer is followed by enough zero bytes that the block can
 * be finished before that is noticed.
 *
 * <p>
 * Buffers are kept from image to image. Not thread-safe.
 */
final class EntropyDecoder {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Zero bytes after the data: more than a block of the longest codes (27 + 63 x 26
     * bits) plus the 8 bytes of a load.
     */
    private static final int PAD = 256;

    /** Most bytes of entropy-coded data, so that bit positions fit in an int. */
    static final int MAX_DATA = (1 << 28) - PAD;

    private byte[] data = new byte[4096];

    /** The end (in {@link #data}) of each restart interval's data. */
    private int[] ends = new int[16];

    private int segments;

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
     * Copies the scan's data that starts at {@code pos} without its stuffing, cut at its
     * restart markers.
     * @return where the scan ends: at the marker after it, or the end of the bytes
     * @throws JpegDcReader.Corrupt if restart markers come out of order
     */
    int load(byte[] jpeg, int pos) {
        int length = jpeg.length - pos;
        if (length > MAX_DATA) {
            throw new JpegDcReader.Unsupported("a scan of " + length + " bytes");
        }
        if (this.data.length < length + PAD) {
            this.data = new byte[Math.max(length + PAD, this.data.length * 2)];
        }
        byte[] out = this.data;
        int n = 0;
        int i = pos;
        int end = jpeg.length;
        int expected = 0;
        this.segments = 0;
        while (i < end) {
            // eight bytes at a time while none of them is FF
            while (i + 8 <= end) {
                long eight = (long) LONGS.get(jpeg, i);
                long inverse = ~eight;
                if (((inverse - 0x0101010101010101L) & ~inverse & 0x8080808080808080L) != 0) {
                    break;
                }
                LONGS.set(out, n, eight);
                i += 8;
                n += 8;
            }
            while (i < end && jpeg[i] != (byte) 0xFF) {
                out[n++] = jpeg[i++];
            }
            if (i + 1 >= end) {
                i = end; // a lone FF at the end: cut short
                break;
            }
            int next = jpeg[i + 1] & 0xff;
            if (next == 0) {
                out[n++] = (byte) 0xFF;
                i += 2;
            }
            else if (next == 0xFF) {
                i++; // a fill byte before a marker
            }
            else if (next >= 0xD0 && next <= 0xD7) {
                if (next - 0xD0 != expected) {
                    throw new JpegDcReader.Corrupt(
                            "restart marker " + (next - 0xD0) + " where " + expected + " was due");
                }
                expected = (expected + 1) & 7;
                endSegment(n);
                i += 2;
            }
            else {
                break; // the marker after the scan
            }
        }
        endSegment(n);
        Arrays.fill(out, n, n + PAD, (byte) 0);
        return i;
    }

    /** Bits of data of the scan last loaded. */
    long bits() {
        return (this.segments == 0) ? 0 : this.ends[this.segments - 1] * 8L;
    }

    private void endSegment(int end) {
        if (this.segments == this.ends.length) {
            this.ends = Arrays.copyOf(this.ends, this.segments * 2);
        }
        this.ends[this.segments++] = end;
    }

    /** Where the scan that starts at {@code pos} ends, without decoding it. */
    static int skip(byte[] jpeg, int pos) {
        for (int i = pos; i + 1 < jpeg.length; i++) {
            if (jpeg[i] == (byte) 0xFF) {
                int next = jpeg[i + 1] & 0xff;
                if (next != 0 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
                    return i;
                }
            }
        }
        return jpeg.length;
    }

    /**
     * Decodes the scan last {@link #load loaded}, writing each luma block's mean into
     * {@code out}, a grid of {@code gridWidth x gridHeight} blocks; blocks outside it
     * (the padding of the last MCUs) are decoded and dropped.
     * @throws JpegDcReader.Corrupt if the data does not decode to exactly the scan's MCUs
     */
    void decode(Plan plan, byte[] out, int gridWidth, int gridHeight) {
        int mcus = plan.mcusX * plan.mcusY;
        int interval = plan.restartInterval > 0 ? plan.restartInterval : mcus;
        int intervals = (mcus + interval - 1) / interval;
        // a restart marker after the last MCU leaves an empty segment: harmless
        boolean trailingMarker = this.segments == intervals + 1 && this.ends[intervals] == this.ends[intervals - 1];
        if (this.segments != intervals && !trailingMarker) {
            throw new JpegDcReader.Corrupt(
                    "a scan of " + intervals + " restart intervals has " + this.segments + " in its data");
        }
        int blocks = plan.blocks;
        int[][] dcEntries = new int[blocks][];
        int[][] acEntries = new int[blocks][];
        char[][] acRuns = new char[blocks][];
        for (int b = 0; b < blocks; b++) {
            dcEntries[b] = plan.dc[b].single;
            acEntries[b] = plan.ac[b].single;
            acRuns[b] = plan.ac[b].run;
        }
        int[] lumaX = plan.lumaX;
        int[] lumaY = plan.lumaY;
        long quant = plan.quant;
        byte[] buf = this.data;
        int mx = 0;
        int my = 0;
        int start = 0;
        for (int segment = 0; segment < intervals; segment++) {
            int end = this.ends[segment];
            int limit = end * 8;
            int bit = start * 8;
            long w = 0;
            int avail = 0;
            int pred = 0;
            int count = Math.min(interval, mcus - segment * interval);
            for (int m = 0; m < count; m++) {
                for (int b = 0; b < blocks; b++) {
                    if (avail < 27) {
                        w = (long) LONGS.get(buf, bit >>> 3) << (bit & 7);
                        avail = 64 - (bit & 7);
                    }
                    int e = dcEntries[b][(int) (w >>> HuffmanTable.SHIFT)];
                    int taken;
                    if (lumaX[b] >= 0) {
                        int diff;
                        if ((e & HuffmanTable.DC_INLINE) != 0) {
                            taken = e & 31;
                            diff = e >> 16;
                        }
                        else {
                            int ls = (e != 0) ? e >>> 10 & 31 | (e >>> 5 & 31) << 8 : dcSlow(plan.dc[b], w);
                            int length = ls & 0xff;
                            int size = ls >>> 8;
                            diff = (size == 0) ? 0 : HuffmanTable.extend((int) (w << length >>> (64 - size)), size);
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
                        int ls = dcSlow(plan.dc[b], w);
                        taken = (ls & 0xff) + (ls >>> 8);
                    }
                    w <<= taken;
                    bit += taken;
                    avail -= taken;
                    // the AC coefficients, skipped
                    char[] runs = acRuns[b];
                    int k = 1;
                    while (true) {
                        if (avail < 26) {
                            w = (long) LONGS.get(buf, bit >>> 3) << (bit & 7);
                            avail = 64 - (bit & 7);
                        }
                        int index = (int) (w >>> HuffmanTable.SHIFT);
                        int run = runs[index];
                        int covered = run >>> 5 & 0xff;
                        if (k + covered > 64) { // the slow way: one code at a time
                            run = acEntries[b][index];
                            if (run == 0) {
                                run = acSlow(plan.ac[b], w);
                            }
                            covered = run >>> 5 & 0xff;
                            if ((run & HuffmanTable.AC_EOB) == 0 && k + covered > 64) {
                                throw new JpegDcReader.Corrupt("a block of more than 64 coefficients");
                            }
                        }
                        taken = run & 31;
                        w <<= taken;
                        bit += taken;
                        avail -= taken;
                        k += covered;
                        if (run >= HuffmanTable.AC_EOB || k == 64) {
                            break;
                        }
                    }
                    if (bit > limit) {
                        throw new JpegDcReader.Corrupt("the data ends inside a block");
                    }
                }
                if (++mx == plan.mcusX) {
                    mx = 0;
                    my++;
                }
            }
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
