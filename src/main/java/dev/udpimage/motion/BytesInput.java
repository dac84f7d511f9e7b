package dev.udpimage.motion;

import java.util.Objects;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An ImageIO input stream over a byte array: ImageIO's own streams over memory copy what
 * they read into a cache, and are registered for disposal.
 */
final class BytesInput extends ImageInputStreamImpl {

    private final byte[] bytes;

    BytesInput(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        this.bitOffset = 0;
        return (this.streamPos < this.bytes.length) ? this.bytes[(int) this.streamPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, into.length);
        this.bitOffset = 0;
        if (length == 0) {
            return 0;
        }
        if (this.streamPos >= this.bytes.length) {
            return -1;
        }
        int n = (int) Math.min(length, this.bytes.length - this.streamPos);
        System.arraycopy(this.bytes, (int) this.streamPos, into, offset, n);
        this.streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return this.bytes.length;
    }

}
