package dev.udpimage.motion;

import java.util.Arrays;

/**
 * One Huffman table of a JPEG (a DHT entry), with the lookup tables that
 * {@link EntropyDecoder} decodes through: a code of up to {@link #LOOK} bits is found
 * with one array access on the next {@code LOOK} bits of the stream; longer codes are
 * found by the canonical-code search of ITU T.81 Annex F.2.2.3.
 *
 * <p>
 * A DC table's entries give a code's length, the size of the difference that follows it
 * and, when both fit in the look-ahead, the difference itself. An AC table's entries give
 * only what skipping needs (the AC coefficients' values are never used): how many bits a
 * run of whole codes with their extra bits takes, and how many coefficients they cover.
 *
 * <p>
 * Building the lookups is the dearest part of a small image, and cameras send the same
 * tables with every frame: {@link #define} keeps them when the definition has not
 * changed. Not thread-safe.
 */
final class HuffmanTable {

    /** Bits of look-ahead of the lookups. */
    static final int LOOK = 11;

    /** Shift that leaves the top {@link #LOOK} bits of a 64-bit window. */
    static final int SHIFT = 64 - LOOK;

    /** DC entry: the difference, in bits 16..31, is in the entry. */
    static final int DC_INLINE = 1 << 15;

    /** AC entry: the run ends with an end of block. */
    static final int AC_EOB = 1 << 13;

    /** AC entry field "coefficients covered" of an entry that must go the slow way. */
    static final int AC_SLOW = 0xff << 5;

    private static final int SIZE = 1 << LOOK;

    private final boolean ac;

    /** The definition that the lookups were built from: 16 counts, then the symbols. */
    private final byte[] definition = new byte[16 + 256];

    private int definitionLength;

    /** Largest code of each length (index 1..16), -1 when none has that length. */
    private final int[] maxCode = new int[17];

    /** Index in {@link #symbols} of a code of each length, minus that code. */
    private final int[] offset = new int[17];

    private final int[] symbols = new int[256];

    /**
     * One code per entry, 0 for a code longer than {@code LOOK} bits (or an invalid
     * symbol). DC: bits taken (code and extra bits) | size << 5 | code length << 10 |
     * {@link #DC_INLINE} | difference << 16. AC: bits taken | coefficients covered << 5 |
     * {@link #AC_EOB}.
     */
    final int[] single = new int[SIZE];

    /**
     * AC only: bits taken | coefficients covered << 5 | {@link #AC_EOB}, for as many
     * whole codes as fit in the look-ahead; {@link #AC_SLOW} where even one does not fit.
     */
    final char[] run;

    private boolean defined;

    HuffmanTable(boolean ac) {
        this.ac = ac;
        this.run = ac ? new char[SIZE] : null;
    }

    boolean defined() {
        return this.defined;
    }

    /** Forgets the table (a new image), keeping the lookups in case it comes again. */
    void undefine() {
        this.defined = false;
    }

    /**
     * Defines the table from a DHT entry (16 counts, then the symbols).
     * @return the bytes the entry takes
     * @throws JpegDcReader.Corrupt if the entry is cut short or its codes do not fit
     */
    int define(byte[] data, int pos, int end) {
        if (end - pos < 16) {
            throw new JpegDcReader.Corrupt("DHT cut short");
        }
        int count = 0;
        for (int i = 0; i < 16; i++) {
            count += data[pos + i] & 0xff;
        }
        int length = 16 + count;
        if (count > 256 || end - pos < length) {
            throw new JpegDcReader.Corrupt("DHT with " + count + " codes in " + (end - pos) + " bytes");
        }
        this.defined = true;
        if (length == this.definitionLength && Arrays.equals(this.definition, 0, length, data, pos, pos + length)) {
            return length;
        }
        this.definitionLength = 0; // until built: a failed build must not count as cached
        System.arraycopy(data, pos, this.definition, 0, length);
        build();
        this.definitionLength = length;
        return length;
    }

    private void build() {
        Arrays.fill(this.single, 0);
        int code = 0;
        int index = 0;
        for (int length = 1; length <= 16; length++) {
            int n = this.definition[length - 1] & 0xff;
            // no code may be all ones (T.81 Annex C), nor need more bits than its length
            if (code + n >= 1 << length) {
                this.defined = false;
                throw new JpegDcReader.Corrupt("DHT whose codes of " + length + " bits do not fit");
            }
            this.offset[length] = index - code;
            for (int i = 0; i < n; i++, code++, index++) {
                int symbol = this.definition[16 + index] & 0xff;
                this.symbols[index] = symbol;
                if (length <= LOOK) {
                    fill(code, length, symbol);
                }
            }
            this.maxCode[length] = n > 0 ? code - 1 : -1;
            code <<= 1;
        }
        if (this.ac) {
            buildRuns();
        }
    }

    /** The entries of a code of {@code length <= LOOK} bits, whatever bits follow it. */
    private void fill(int code, int length, int symbol) {
        int size = symbol & 15;
        int first = code << (LOOK - length);
        int last = first + (1 << (LOOK - length));
        if (this.ac) {
            int run = symbol >> 4;
            int entry;
            if (size > 10) {
                return; // not a valid AC symbol: the slow way says so, if it is ever used
            }
            else if (size > 0) {
                entry = (length + size) | (run + 1) << 5;
            }
            else if (run == 15) {
                entry = length | 16 << 5; // sixteen zeros
            }
            else {
                entry = length | 1 << 5 | AC_EOB; // end of block (as libjpeg reads any
                                                  // run)
            }
            Arrays.fill(this.single, first, last, entry);
            return;
        }
        if (symbol > 11) {
            return; // not a valid DC size for 8-bit samples
        }
        int fixed = (length + symbol) | symbol << 5 | length << 10;
        if (length + symbol > LOOK) {
            Arrays.fill(this.single, first, last, fixed);
            return;
        }
        for (int i = first; i < last; i++) {
            int bits = (i >> (LOOK - length - symbol)) & ((1 << symbol) - 1);
            this.single[i] = fixed | DC_INLINE | extend(bits, symbol) << 16;
        }
    }

    /** The AC runs: whole codes (with their extra bits) that fit in the look-ahead. */
    private void buildRuns() {
        for (int i = 0; i < SIZE; i++) {
            int entry = this.single[i];
            if (entry == 0) {
                this.run[i] = (char) AC_SLOW;
                continue;
            }
            int bits = entry & 31;
            int covered = entry >>> 5 & 0xff;
            while ((entry & AC_EOB) == 0 && bits < LOOK) {
                int next = this.single[(i << bits) & (SIZE - 1)];
                int nextBits = next & 31;
                int nextCovered = next >>> 5 & 0xff;
                if (next == 0 || bits + nextBits > LOOK || covered + nextCovered > 63) {
                    break;
                }
                bits += nextBits;
                covered += nextCovered;
                entry = next;
            }
            this.run[i] = (char) (bits | covered << 5 | (entry & AC_EOB));
        }
    }

    /**
     * The code at the top of a 16-bit window, the slow way.
     * @return code length << 8 | symbol
     * @throws JpegDcReader.Corrupt if no code matches
     */
    int decodeSlow(int window16) {
        for (int length = 1; length <= 16; length++) {
            int code = window16 >>> (16 - length);
            if (code <= this.maxCode[length]) {
                return length << 8 | this.symbols[code + this.offset[length]];
            }
        }
        throw new JpegDcReader.Corrupt("no Huffman code matches the data");
    }

    /** The value of {@code size} extra bits (T.81 F.2.2.1, EXTEND). */
    static int extend(int bits, int size) {
        return size == 0 ? 0 : bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
    }

}
