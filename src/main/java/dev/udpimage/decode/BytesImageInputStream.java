package dev.udpimage.decode;

import java.nio.ByteOrder;
import java.util.Objects;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link javax.imageio.stream.ImageInputStream} over a byte array that one thread
 * points at image after image. ImageIO's {@code MemoryCacheImageInputStream} copies the
 * bytes it reads into a cache of its own and registers every instance with a disposer (a
 * phantom reference, and an entry in a synchronized table), once per image.
 */
final class BytesImageInputStream extends ImageInputStreamImpl {

    static final byte[] NO_BYTES = new byte[0];

    private byte[] bytes = NO_BYTES;

    /**
     * This stream, at the start of {@code image}, big-endian: a reader that switched the
     * byte order for the image before (BMP's is little-endian) must not leave it for the
     * next.
     */
    BytesImageInputStream of(byte[] image) {
        this.bytes = image;
        this.streamPos = 0;
        this.flushedPos = 0;
        this.bitOffset = 0;
        this.byteOrder = ByteOrder.BIG_ENDIAN;
        return this;
    }

    @Override
    public int read() {
        this.bitOffset = 0;
        return this.streamPos < this.bytes.length ? this.bytes[(int) this.streamPos++] & 0xff : -1;
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
