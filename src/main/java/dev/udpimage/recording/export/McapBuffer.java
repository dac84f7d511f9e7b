package dev.udpimage.recording.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A growable byte array written in MCAP's serialization (little-endian integers; strings,
 * bytes and maps behind a {@code uint32} byte length), and records behind their opcode
 * and {@code uint64} content length.
 */
final class McapBuffer {

    private final int growthLimit;

    private byte[] bytes;

    private int size;

    McapBuffer(int capacity) {
        this(capacity, Integer.MAX_VALUE - 8);
    }

    /**
     * @param growthLimit how far doubling takes the capacity: beyond it, the buffer grows
     * only to what it must hold
     */
    McapBuffer(int capacity, int growthLimit) {
        this.bytes = new byte[Math.max(capacity, 16)];
        this.growthLimit = Math.max(growthLimit, this.bytes.length);
    }

    int size() {
        return this.size;
    }

    /** The buffer's bytes: valid up to {@link #size()}, and only until the next write. */
    byte[] array() {
        return this.bytes;
    }

    /** Empties the buffer; it keeps its capacity. */
    void reset() {
        this.size = 0;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(this.bytes, 0, this.size);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(this.bytes, this.size);
    }

    /**
     * Starts a record: its opcode and a length that {@link #endRecord(int)} fills in.
     * @return where the record starts
     */
    int beginRecord(int opcode) {
        int start = this.size;
        u8(opcode);
        u64(0);
        return start;
    }

    /** Ends the record begun at {@code start}: its length is what was written since. */
    void endRecord(int start) {
        long length = this.size - start - 9L;
        for (int i = 0; i < 8; i++) {
            this.bytes[start + 1 + i] = (byte) (length >>> (8 * i));
        }
    }

    McapBuffer u8(int value) {
        ensure(1);
        this.bytes[this.size++] = (byte) value;
        return this;
    }

    McapBuffer u16(int value) {
        return little(value, 2);
    }

    McapBuffer u32(long value) {
        return little(value, 4);
    }

    McapBuffer u64(long value) {
        return little(value, 8);
    }

    McapBuffer bytes(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, this.bytes, this.size, length);
        this.size += length;
        return this;
    }

    McapBuffer bytes(byte[] value) {
        return bytes(value, 0, value.length);
    }

    /** A UTF-8 string behind its {@code uint32} byte length. */
    McapBuffer string(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return u32(utf8.length).bytes(utf8);
    }

    /** A {@code Map<string, string>}: its byte length, then each key and value. */
    McapBuffer map(Map<String, String> map) {
        int lengthAt = this.size;
        u32(0);
        map.forEach((key, value) -> string(key).string(value));
        patchU32(lengthAt, this.size - lengthAt - 4L);
        return this;
    }

    /** Overwrites four bytes at {@code at} with {@code value}. */
    void patchU32(int at, long value) {
        for (int i = 0; i < 4; i++) {
            this.bytes[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private McapBuffer little(long value, int width) {
        ensure(width);
        for (int i = 0; i < width; i++) {
            this.bytes[this.size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    private void ensure(int more) {
        long needed = (long) this.size + more;
        if (needed > this.bytes.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("an MCAP buffer cannot hold " + needed + " bytes");
            }
            this.bytes = Arrays.copyOf(this.bytes,
                    (int) Math.max(needed, Math.min(2L * this.bytes.length, this.growthLimit)));
        }
    }

}
