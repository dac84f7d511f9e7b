package dev.udpimage.motion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The entropy-coded data of one scan, copied without its stuffed zero bytes
 * ({@code FF 00} becomes {@code FF}) and cut at its restart markers into one segment per
 * restart interval, so that {@link EntropyDecoder} never meets a marker: followed by zero
 * bytes enough for a block of the longest codes and a load of 8 bytes past the end.
 *
 * <p>
 * The buffers are kept from scan to scan. Not thread-safe.
 */
final class ScanData {

    /** Big-endian 8-byte loads and stores at any offset of a byte array. */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * Zero bytes after the data: more than a block of the longest codes (27 + 63 x 26
     * bits) plus the 8 bytes of a load.
     */
    static final int PAD = 256;

    /** Most bytes of entropy-coded data, so that bit positions fit in an int. */
    static final int MAX_DATA = 1 << 27;

    private byte[] bytes = new byte[4096];

    /** The end (in {@link #bytes}) of each restart interval's data. */
    private int[] ends = new int[16];

    private int segments;

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
        if (this.bytes.length < length + PAD) {
            this.bytes = new byte[length + PAD];
        }
        byte[] out = this.bytes;
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

    /** Bits of data. */
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

    /** The data, then at least {@link #PAD} zero bytes. */
    byte[] bytes() {
        return this.bytes;
    }

    /** Restart intervals (segments) in the data. */
    int segments() {
        return this.segments;
    }

    /**
     * Where segment {@code i} ends in {@link #bytes()}; it starts where the one before
     * ends.
     */
    int end(int i) {
        return this.ends[i];
    }

}
