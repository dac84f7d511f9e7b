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
}
