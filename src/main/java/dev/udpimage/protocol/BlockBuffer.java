package dev.udpimage.protocol;

import java.nio.ByteBuffer;

/**
 * The bytes of one image being received, held in blocks of {@value #BLOCK} bytes that are
 * allocated as data for them arrives, in any order. Memory therefore grows with what
 * arrived, not with the length a header or START claims, and a multi-megabyte transfer
 * makes no large short-lived arrays: a buffer grown by doubling made about twice the
 * image in them, and their G1 cycles paused the receive thread long enough for the socket
 * buffer to overflow in the middle of a burst. The blocks are joined once, into the exact
 * image, at the end. With a {@link BlockPool}, an image of more than one block takes its
 * blocks from the pool and gives them back on {@link #release()}. Not thread-safe; owned
 * by one transfer.
 */
public final class BlockBuffer {

    /** Bytes per block: small enough to be ordinary young-generation garbage. */
    public static final int BLOCK = 64 * 1024;

    private final int length;

    private final byte[][] blocks;

    /**
     * Where blocks come from and go back to; null: each block is a new array of just the
     * bytes it holds.
     */
    private final BlockPool pool;

    private int allocated;

    /** A buffer whose blocks are new arrays. */
    public BlockBuffer(int length) {
        this(length, null);
    }

    /**
     * A buffer whose blocks come from {@code pool} when it needs more than one (an image
     * of one block is that block, exactly as long as the image, so joining it copies
     * nothing).
     */
    public BlockBuffer(int length, BlockPool pool) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative");
        }
        this.length = length;
        this.blocks = new byte[(length + BLOCK - 1) / BLOCK][];
        this.pool = this.blocks.length > 1 ? pool : null;
    }

    /** Bytes of blocks held (taken from the pool, or allocated) so far. */
    public int allocated() {
        return this.allocated;
    }

    /**
     * How many bytes of blocks a write at {@code offset} of {@code count} bytes would
     * allocate.
     */
    public int growthFor(int offset, int count) {
        int growth = 0;
        for (int block = offset / BLOCK; count > 0 && block <= (offset + count - 1) / BLOCK; block++) {
            if (this.blocks[block] == null) {
                growth += blockSize(block);
            }
        }
        return growth;
    }

    /**
     * Copies {@code count} bytes of {@code source} from {@code from} to {@code offset},
     * allocating blocks.
     */
    public void write(int offset, byte[] source, int from, int count) {
        write(offset, ByteBuffer.wrap(source, from, count));
    }

    /**
     * Copies the remaining bytes of {@code source} to {@code offset}, allocating blocks;
     * reads with absolute gets, so {@code source}'s position is left as it was.
     */
    public void write(int offset, ByteBuffer source) {
        int count = source.remaining();
        if (offset < 0 || offset > this.length - count) {
            throw new IndexOutOfBoundsException("write of " + count + " bytes at " + offset + " into " + this.length);
        }
        int from = source.position();
        while (count > 0) {
            int index = offset / BLOCK;
            if (this.blocks[index] == null) {
                this.blocks[index] = this.pool != null ? this.pool.take() : new byte[blockLength(index)];
                this.allocated += this.blocks[index].length;
            }
            int at = offset % BLOCK;
            int n = Math.min(count, blockLength(index) - at);
            source.get(from, this.blocks[index], at, n);
            offset += n;
            from += n;
            count -= n;
        }
    }

    /**
     * The whole image: the only block as it is, or the blocks joined (blocks never
     * written read as zeros).
     */
    public byte[] join() {
        if (this.blocks.length == 1 && this.blocks[0] != null) {
            return this.blocks[0];
        }
        byte[] image = new byte[this.length];
        for (int i = 0; i < this.blocks.length; i++) {
            if (this.blocks[i] != null) {
                System.arraycopy(this.blocks[i], 0, image, i * BLOCK, blockLength(i));
            }
        }
        return image;
    }

    /**
     * Gives the blocks back to the pool, if there is one, and holds none; the buffer is
     * not used after.
     */
    public void release() {
        for (int i = 0; i < this.blocks.length; i++) {
            if (this.blocks[i] != null && this.pool != null) {
                this.pool.give(this.blocks[i]);
            }
            this.blocks[i] = null;
        }
        this.allocated = 0;
    }

    /**
     * Bytes that block {@code index} takes: a pooled block is whole however little of it
     * the image uses.
     */
    private int blockSize(int index) {
        return this.pool != null ? BLOCK : blockLength(index);
    }

    /** Bytes of the image in block {@code index}. */
    private int blockLength(int index) {
        return Math.min(BLOCK, this.length - index * BLOCK);
    }

}
