package dev.udpimage.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockBufferTest {

    @Test
    void chunksWrittenInAnyOrderJoinIntoTheExactBytes() {
        byte[] image = new byte[3 * BlockBuffer.BLOCK + 1234];
        new Random(7).nextBytes(image);
        int chunk = 8000; // straddles block boundaries
        List<Integer> offsets = new ArrayList<>();
        for (int offset = 0; offset < image.length; offset += chunk) {
            offsets.add(offset);
        }
        Collections.shuffle(offsets, new Random(8));
        BlockBuffer buffer = new BlockBuffer(image.length);
        for (int offset : offsets) {
            int count = Math.min(chunk, image.length - offset);
            int growth = buffer.growthFor(offset, count);
            int before = buffer.allocated();
            buffer.write(offset, image, offset, count);
            assertThat(buffer.allocated() - before).as("growthFor tells what write allocates").isEqualTo(growth);
        }
        assertThat(buffer.join()).isEqualTo(image);
        assertThat(buffer.allocated()).isEqualTo(image.length);
    }

    @Test
    void memoryFollowsWhatWasWrittenNotTheLength() {
        BlockBuffer buffer = new BlockBuffer(64 << 20);
        assertThat(buffer.allocated()).isZero();
        buffer.write(10 << 20, new byte[100], 0, 100);
        assertThat(buffer.allocated()).isEqualTo(BlockBuffer.BLOCK);
        assertThat(buffer.growthFor(10 << 20, 100)).isZero();
    }

    @Test
    void aSmallImageIsItsOnlyBlockWithoutACopy() {
        byte[] image = { 1, 2, 3 };
        BlockBuffer buffer = new BlockBuffer(3);
        buffer.write(0, image, 0, 3);
        assertThat(buffer.join()).isEqualTo(image).hasSize(3);
        assertThat(buffer.allocated()).isEqualTo(3);
    }

    @Test
    void writesOutsideTheImageAreRefused() {
        BlockBuffer buffer = new BlockBuffer(100);
        assertThatThrownBy(() -> buffer.write(90, new byte[20], 0, 20)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.write(-1, new byte[1], 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.allocated()).isZero();
    }

    @Test
    void aPooledBufferTakesWholeBlocksAndGivesThemBackForTheNextImage() {
        BlockPool pool = new BlockPool(4 * BlockBuffer.BLOCK);
        byte[] first = new byte[2 * BlockBuffer.BLOCK + 100];
        new Random(9).nextBytes(first);
        BlockBuffer buffer = new BlockBuffer(first.length, pool);
        assertThat(buffer.growthFor(0, first.length)).isEqualTo(3 * BlockBuffer.BLOCK);
        buffer.write(0, first, 0, first.length);
        assertThat(buffer.allocated()).as("the last block is whole too").isEqualTo(3 * BlockBuffer.BLOCK);
        assertThat(buffer.join()).isEqualTo(first);
        buffer.release();
        assertThat(buffer.allocated()).isZero();
        assertThat(pool.freeBytes()).isEqualTo(3 * BlockBuffer.BLOCK);

        BlockBuffer next = new BlockBuffer(2 * BlockBuffer.BLOCK + 10, pool);
        next.write(BlockBuffer.BLOCK, new byte[] { 7 }, 0, 1);
        assertThat(pool.freeBytes()).as("a kept block was taken").isEqualTo(2 * BlockBuffer.BLOCK);
        byte[] joined = next.join();
        assertThat(joined).hasSize(2 * BlockBuffer.BLOCK + 10);
        assertThat(joined[BlockBuffer.BLOCK]).isEqualTo((byte) 7);
        joined[BlockBuffer.BLOCK] = 0;
        assertThat(joined).as("nothing of the earlier image shows").containsOnly(0);
    }

    @Test
    void thePoolKeepsNoMoreThanItsLimit() {
        BlockPool pool = new BlockPool(2 * BlockBuffer.BLOCK);
        BlockBuffer buffer = new BlockBuffer(5 * BlockBuffer.BLOCK, pool);
        buffer.write(0, new byte[5 * BlockBuffer.BLOCK], 0, 5 * BlockBuffer.BLOCK);
        buffer.release();
        assertThat(pool.freeBytes()).isEqualTo(2 * BlockBuffer.BLOCK);
    }

    @Test
    void anImageOfOneBlockNeverTouchesThePool() {
        BlockPool pool = new BlockPool(4 * BlockBuffer.BLOCK);
        byte[] image = { 4, 5, 6 };
        BlockBuffer buffer = new BlockBuffer(3, pool);
        buffer.write(0, image, 0, 3);
        assertThat(buffer.join()).isEqualTo(image).hasSize(3);
        buffer.release();
        assertThat(pool.freeBytes()).isZero();
    }

}
