package dev.udpimage.motion;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.IntBinaryOperator;

import javax.imageio.plugins.jpeg.JPEGHuffmanTable;

/**
 * Writes baseline JPEGs whose blocks are flat (a DC coefficient, then an end of block),
 * in scan layouts that the JDK's writer does not make: non-interleaved scans, in any
 * order, a height given by a DNL marker. The luma block at block column x, row y has the
 * mean {@code lumaMeans.applyAsInt(x, y)} (0..255), exactly: its DC step is 8; chroma is
 * neutral.
 */
final class FlatJpeg {

    int width;

    int height;

    /** Sampling factors of each component; one component for a greyscale JPEG. */
    int[] horizontal = { 2, 1, 1 };

    int[] vertical = { 2, 1, 1 };

    /** The components of each scan, in order. */
    int[][] scans = { { 0, 1, 2 } };

    int restartInterval;

    /** The luma DC quantisation step; 8 writes the means exactly; over 255, 16-bit. */
    int dcStep = 8;

    /** Height 0 in the frame header, and a DNL marker after the first scan. */
    boolean heightInDnl;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int bits;

    private int bitCount;

    FlatJpeg(int width, int height) {
        this.width = width;
        this.height = height;
    }

    FlatJpeg sampling(int[] horizontal, int[] vertical) {
        this.horizontal = horizontal;
        this.vertical = vertical;
        return this;
    }

    FlatJpeg scans(int[]... scans) {
        this.scans = scans;
        return this;
    }

    FlatJpeg restartInterval(int mcus) {
        this.restartInterval = mcus;
        return this;
    }

    FlatJpeg dcStep(int step) {
        this.dcStep = step;
        return this;
    }

    FlatJpeg heightInDnl() {
        this.heightInDnl = true;
        return this;
    }

    byte[] write(IntBinaryOperator lumaMeans) {
        int components = this.horizontal.length;
        this.out.reset();
        this.out.write(0xFF);
        this.out.write(0xD8);
        ByteArrayOutputStream dqt = new ByteArrayOutputStream();
        boolean wide = this.dcStep > 255;
        dqt.write(wide ? 0x10 : 0x00);
        for (int i = 0; i < 64; i++) {
            int step = (i == 0) ? this.dcStep : 8;
            if (wide) {
                dqt.write(step >> 8);
            }
            dqt.write(step);
        }
        dqt.write(0x01);
        for (int i = 0; i < 64; i++) {
            dqt.write(8);
        }
        this.out.writeBytes(JpegFiles.segment(0xDB, dqt.toByteArray()));
        byte[] sof = new byte[6 + 3 * components];
        sof[0] = 8;
        int declaredHeight = this.heightInDnl ? 0 : this.height;
        sof[1] = (byte) (declaredHeight >> 8);
        sof[2] = (byte) declaredHeight;
        sof[3] = (byte) (this.width >> 8);
        sof[4] = (byte) this.width;
        sof[5] = (byte) components;
        for (int c = 0; c < components; c++) {
            sof[6 + 3 * c] = (byte) (c + 1);
            sof[7 + 3 * c] = (byte) (this.horizontal[c] << 4 | this.vertical[c]);
            sof[8 + 3 * c] = (byte) Math.min(c, 1);
        }
        this.out.writeBytes(JpegFiles.segment(0xC0, sof));
        writeTable(0x00, JPEGHuffmanTable.StdDCLuminance);
        writeTable(0x10, JPEGHuffmanTable.StdACLuminance);
        writeTable(0x01, JPEGHuffmanTable.StdDCChrominance);
        writeTable(0x11, JPEGHuffmanTable.StdACChrominance);
        if (this.restartInterval > 0) {
            this.out.writeBytes(JpegFiles.segment(0xDD,
                    new byte[] { (byte) (this.restartInterval >> 8), (byte) this.restartInterval }));
        }
        for (int s = 0; s < this.scans.length; s++) {
            writeScan(this.scans[s], lumaMeans);
            if (s == 0 && this.heightInDnl) {
                this.out
                    .writeBytes(JpegFiles.segment(0xDC, new byte[] { (byte) (this.height >> 8), (byte) this.height }));
            }
        }
        this.out.write(0xFF);
        this.out.write(0xD9);
        return this.out.toByteArray();
    }

    private void writeTable(int classAndId, JPEGHuffmanTable table) {
        short[] lengths = table.getLengths();
        short[] values = table.getValues();
        byte[] body = new byte[1 + 16 + values.length];
        body[0] = (byte) classAndId;
        for (int i = 0; i < 16; i++) {
            body[1 + i] = (byte) lengths[i];
        }
        for (int i = 0; i < values.length; i++) {
            body[17 + i] = (byte) values[i];
        }
        this.out.writeBytes(JpegFiles.segment(0xC4, body));
    }

    private void writeScan(int[] scan, IntBinaryOperator lumaMeans) {
        byte[] sos = new byte[4 + 2 * scan.length];
        sos[0] = (byte) scan.length;
        for (int i = 0; i < scan.length; i++) {
            sos[1 + 2 * i] = (byte) (scan[i] + 1);
            sos[2 + 2 * i] = (byte) (scan[i] == 0 ? 0x00 : 0x11);
        }
        sos[2 + 2 * scan.length] = 63;
        this.out.writeBytes(JpegFiles.segment(0xDA, sos));
        int maxH = 0;
        int maxV = 0;
        for (int c = 0; c < this.horizontal.length; c++) {
            maxH = Math.max(maxH, this.horizontal[c]);
            maxV = Math.max(maxV, this.vertical[c]);
        }
        boolean interleaved = scan.length > 1;
        int first = scan[0];
        int mcusX = interleaved ? ceil(this.width, 8 * maxH) : ceil(ceil(this.width * this.horizontal[first], maxH), 8);
        int mcusY = interleaved ? ceil(this.height, 8 * maxV) : ceil(ceil(this.height * this.vertical[first], maxV), 8);
        int[] predictions = new int[this.horizontal.length];
        int mcus = mcusX * mcusY;
        int restart = 0;
        for (int m = 0; m < mcus; m++) {
            if (this.restartInterval > 0 && m > 0 && m % this.restartInterval == 0) {
                flush();
                this.out.write(0xFF);
                this.out.write(0xD0 + restart);
                restart = (restart + 1) & 7;
                Arrays.fill(predictions, 0);
            }
            int mx = m % mcusX;
            int my = m / mcusX;
            for (int c : scan) {
                int wide = interleaved ? this.horizontal[c] : 1;
                int high = interleaved ? this.vertical[c] : 1;
                for (int y = 0; y < high; y++) {
                    for (int x = 0; x < wide; x++) {
                        int dc = (c == 0)
                                ? Math.round(
                                        (lumaMeans.applyAsInt(mx * wide + x, my * high + y) - 128) * 8f / this.dcStep)
                                : 0;
                        writeBlock(c == 0 ? JPEGHuffmanTable.StdDCLuminance : JPEGHuffmanTable.StdDCChrominance,
                                c == 0 ? JPEGHuffmanTable.StdACLuminance : JPEGHuffmanTable.StdACChrominance,
                                dc - predictions[c]);
                        predictions[c] = dc;
                    }
                }
            }
        }
        flush();
    }

    private void writeBlock(JPEGHuffmanTable dcTable, JPEGHuffmanTable acTable, int diff) {
        int size = 32 - Integer.numberOfLeadingZeros(Math.abs(diff));
        writeCode(dcTable, size);
        if (size > 0) {
            writeBits(diff < 0 ? diff - 1 + (1 << size) : diff, size);
        }
        writeCode(acTable, 0x00); // end of block
    }

    private void writeCode(JPEGHuffmanTable table, int symbol) {
        short[] lengths = table.getLengths();
        short[] values = table.getValues();
        int code = 0;
        int index = 0;
        for (int length = 1; length <= 16; length++) {
            for (int i = 0; i < lengths[length - 1]; i++, index++, code++) {
                if (values[index] == symbol) {
                    writeBits(code, length);
                    return;
                }
            }
            code <<= 1;
        }
        throw new IllegalArgumentException("no code for " + symbol);
    }

    private void writeBits(int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            this.bits = this.bits << 1 | (value >> i & 1);
            if (++this.bitCount == 8) {
                emit();
            }
        }
    }

    /** Pads the last byte with ones. */
    private void flush() {
        while (this.bitCount != 0) {
            writeBits(1, 1);
        }
    }

    private void emit() {
        this.out.write(this.bits);
        if ((this.bits & 0xff) == 0xFF) {
            this.out.write(0);
        }
        this.bits = 0;
        this.bitCount = 0;
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }

}
