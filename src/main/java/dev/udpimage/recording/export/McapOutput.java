package dev.udpimage.recording.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * The stream an MCAP file is written to, counting the bytes written (the offsets the
 * indexes hold) and keeping the CRC-32 of those since {@link #resetCrc()}.
 */
final class McapOutput {

    private final OutputStream out;

    private final CRC32 crc = new CRC32();

    private long position;

    McapOutput(OutputStream out) {
        this.out = out;
    }

    void write(McapBuffer buffer) throws IOException {
        write(buffer.array(), 0, buffer.size());
    }

    void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        this.out.write(bytes, offset, length);
        this.crc.update(bytes, offset, length);
        this.position += length;
    }

    /** Bytes written so far: the offset of the next. */
    long position() {
        return this.position;
    }

    long crc() {
        return this.crc.getValue();
    }

    void resetCrc() {
        this.crc.reset();
    }

    void flush() throws IOException {
        this.out.flush();
    }

}
