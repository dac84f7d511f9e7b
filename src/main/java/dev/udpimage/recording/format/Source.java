package dev.udpimage.recording.format;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Bytes read at a position: a segment's file, or its object's bytes in memory.
 */
public interface Source {

    /** How many bytes there are. */
    long size() throws IOException;

    /**
     * Fills {@code into} (to its limit) with the bytes at {@code position}.
     * @throws EOFException when the source ends first
     */
    void readFully(ByteBuffer into, long position) throws IOException;

    static Source of(FileChannel channel) {
        return new Source() {

            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void readFully(ByteBuffer into, long position) throws IOException {
                long at = position;
                while (into.hasRemaining()) {
                    int read = channel.read(into, at);
                    if (read < 0) {
                        throw new EOFException("unexpected end of a segment at " + at);
                    }
                    at += read;
                }
            }

        };
    }

    static Source of(byte[] bytes) {
        return new Source() {

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void readFully(ByteBuffer into, long position) throws IOException {
                int length = into.remaining();
                if (position < 0 || position + length > bytes.length) {
                    throw new EOFException("unexpected end of a segment at " + position);
                }
                into.put(bytes, (int) position, length);
            }

        };
    }

}
