package dev.udpimage.protocol;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Blocks of {@value BlockBuffer#BLOCK} bytes kept for reuse by the {@link BlockBuffer}s
 * of one owner, up to a limit. A multi-megabyte image then allocates nothing while it
 * arrives: its blocks are earlier images', long since in the old generation, so a young
 * collection in the middle of a burst has no half-received image to copy, and the burst
 * itself starts fewer of them. Not thread-safe; used under its owner's lock.
 */
public final class BlockPool {

    private final ArrayDeque<byte[]> free = new ArrayDeque<>();

    private final int maxBlocks;

    /**
     * A pool that keeps at most {@code maxBytes} of free blocks (0: none, every block is
     * a new array).
     */
    public BlockPool(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative");
        }
        this.maxBlocks = (int) Math.min(Integer.MAX_VALUE, maxBytes / BlockBuffer.BLOCK);
    }

    /** A block of zeros: a kept one, cleared, or a new one. */
    byte[] take() {
        byte[] block = this.free.pollLast();
        if (block == null) {
            return new byte[BlockBuffer.BLOCK];
        }
        Arrays.fill(block, (byte) 0); // an image never holds bytes of another sender's
        return block;
    }

    /** Keeps {@code block} for a later {@link #take()}, if there is room. */
    void give(byte[] block) {
        if (block.length == BlockBuffer.BLOCK && this.free.size() < this.maxBlocks) {
            this.free.addLast(block);
        }
    }

    /** Bytes of free blocks kept. */
    public long freeBytes() {
        return (long) this.free.size() * BlockBuffer.BLOCK;
    }

}
