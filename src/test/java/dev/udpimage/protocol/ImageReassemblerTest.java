package dev.udpimage.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.udpimage.protocol.ImageReassembler.Assembled;
import dev.udpimage.protocol.ImageReassembler.Kind;
import dev.udpimage.protocol.ImageReassembler.Dropped;
import dev.udpimage.protocol.ImageReassembler.Limits;

class ImageReassemblerTest {

    private static final long MS = 1_000_000;

    private final List<Dropped<String>> dropped = new ArrayList<>();

    private final ImageReassembler<String> reassembler = new ImageReassembler<>(
            new Limits(1 << 20, Duration.ofSeconds(2), 256, 256L << 20), this.dropped::add);

    private static byte[] bytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * Sends like the Python loop, trailing empty datagram included; returns what
     * completed.
     */
    private List<Assembled> sendChunked(String sender, byte[] image, long now) {
        List<Assembled> done = new ArrayList<>();
        add(done, this.reassembler.accept(sender, LegacyProtocol.encodeHeader(image.length), now));
        for (int i = 0; i < image.length / 1024 + 1; i++) {
            byte[] chunk = Arrays.copyOfRange(image, 1024 * i, Math.min(image.length, 1024 * (i + 1)));
            add(done, this.reassembler.accept(sender, chunk, now));
        }
        return done;
    }

    private static void add(List<Assembled> done, Assembled assembled) {
        if (assembled != null) {
            done.add(assembled);
        }
    }

    @Test
    void headerAndChunksGiveBackTheExactBytes() {
        byte[] image = bytes(10_000, 1);
        List<Assembled> done = sendChunked("a", image, 0);
        assertThat(done).hasSize(1);
        assertThat(done.get(0).bytes()).isEqualTo(image);
        assertThat(done.get(0).kind()).isEqualTo(Kind.CHUNKED);
        assertThat(done.get(0).datagrams()).isEqualTo(1 + 10);
        assertThat(this.reassembler.pendingTransfers()).isZero();
    }

    @Test
    void imagesSpanningManyBlocksComeBackExactWhateverTheChunkSizes() {
        // chunks that end on block boundaries, and ones that straddle them
        int[] sizes = { 1024, 1000, 4096, 333 };
        for (int size : sizes) {
            byte[] image = bytes(5 * BlockBuffer.BLOCK + 17, size);
            assertThat(this.reassembler.accept("a", LegacyProtocol.encodeHeader(image.length), 0)).isNull();
            Assembled done = null;
            for (int from = 0; from < image.length; from += size) {
                assertThat(done).isNull();
                done = this.reassembler.accept("a",
                        Arrays.copyOfRange(image, from, Math.min(image.length, from + size)), 0);
            }
            assertThat(done).isNotNull();
            assertThat(done.bytes()).isEqualTo(image);
            assertThat(this.reassembler.inFlightBytes()).isZero();
        }
    }

    @Test
    void theReceiveLoopsShortcutTakesOnlyChunksThatNeitherEndNorOverrunATransfer() {
        byte[] image = bytes(3000, 9);
        assertThat(this.reassembler.appendChunk("a", ByteBuffer.wrap(image, 0, 1024), 0)).as("no transfer").isFalse();
        this.reassembler.accept("a", LegacyProtocol.encodeHeader(image.length), 0);
        ByteBuffer first = ByteBuffer.wrap(image, 0, 1024);
        assertThat(this.reassembler.appendChunk("a", first, 0)).isTrue();
        assertThat(first.position()).as("left as it was").isZero();
        assertThat(this.reassembler.appendChunk("b", ByteBuffer.wrap(image, 1024, 1024), 0)).as("other sender")
            .isFalse();
        assertThat(this.reassembler.appendChunk("a", ByteBuffer.wrap(new byte[2000]), 0)).as("would overrun").isFalse();
        assertThat(this.reassembler.appendChunk("a", ByteBuffer.wrap(image, 1024, 1976), 0)).as("would complete")
            .isFalse();
        assertThat(this.reassembler.appendChunk("a", ByteBuffer.wrap(image, 1024, 1024), 3_000 * MS)).as("stalled")
            .isFalse();
        assertThat(this.reassembler.appendChunk("a", ByteBuffer.wrap(image, 1024, 1024), 0)).isTrue();
        Assembled done = this.reassembler.accept("a", Arrays.copyOfRange(image, 2048, 3000), 0);
        assertThat(done.bytes()).isEqualTo(image);
        assertThat(done.datagrams()).isEqualTo(4);
    }

    @Test
    void trailingEmptyDatagramIsIgnoredNotTakenForAHeaderOrImage() {
        byte[] image = bytes(4096, 2);
        assertThat(sendChunked("a", image, 0)).hasSize(1); // the 5th datagram is empty
        assertThat(this.reassembler.pendingTransfers()).isZero();
        assertThat(sendChunked("a", image, 0)).hasSize(1);
    }

    @Test
    void anEightByteLastChunkIsAChunkNotAHeader() {
        byte[] image = bytes(1024 + 8, 3);
        List<Assembled> done = sendChunked("a", image, 0);
        assertThat(done).singleElement().satisfies(a -> assertThat(a.bytes()).isEqualTo(image));
    }

    @Test
    void anyOtherDatagramWithoutATransferIsAWholeImage() {
        byte[] image = bytes(30_000, 4);
        Assembled whole = this.reassembler.accept("a", image, 5);
        assertThat(whole.kind()).isEqualTo(Kind.WHOLE);
        assertThat(whole.bytes()).isEqualTo(image);
        assertThat(whole.datagrams()).isEqualTo(1);
    }

    @Test
    void sendersAreKeptApart() {
        byte[] first = bytes(3000, 5);
        byte[] second = bytes(2500, 6);
        assertThat(this.reassembler.accept("a", LegacyProtocol.encodeHeader(first.length), 0)).isNull();
        assertThat(this.reassembler.accept("b", LegacyProtocol.encodeHeader(second.length), 0)).isNull();
        List<Assembled> done = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            add(done, this.reassembler.accept("a", Arrays.copyOfRange(first, i * 1024, Math.min(3000, i * 1024 + 1024)),
                    0));
            add(done, this.reassembler.accept("b",
                    Arrays.copyOfRange(second, i * 1024, Math.min(2500, i * 1024 + 1024)), 0));
        }
        assertThat(done).extracting(Assembled::bytes).containsExactly(first, second);
    }

    @Test
    void headersOutOfRangeAreRejected() {
        for (long claim : new long[] { 0, -1, Long.MIN_VALUE }) {
            assertThatThrownBy(() -> this.reassembler.accept("a", LegacyProtocol.encodeHeader(claim), 0))
                .isInstanceOfSatisfying(Rejection.class,
                        r -> assertThat(r.reason()).isEqualTo(Rejection.Reason.BAD_HEADER));
        }
        for (long claim : new long[] { (1 << 20) + 1, 1L << 62, Long.MAX_VALUE }) {
            assertThatThrownBy(() -> this.reassembler.accept("a", LegacyProtocol.encodeHeader(claim), 0))
                .isInstanceOfSatisfying(Rejection.class,
                        r -> assertThat(r.reason()).isEqualTo(Rejection.Reason.OVERSIZE));
        }
        assertThat(this.reassembler.pendingTransfers()).isZero();
    }

    @Test
    void aChunkLongerThanWhatIsStillExpectedEndsTheTransferAsOverrun() {
        this.reassembler.accept("a", LegacyProtocol.encodeHeader(1500), 0);
        this.reassembler.accept("a", new byte[1024], 0);
        assertThatThrownBy(() -> this.reassembler.accept("a", new byte[1024], 0))
            .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.reason()).isEqualTo(Rejection.Reason.OVERRUN));
        assertThat(this.reassembler.pendingTransfers()).isZero();
    }

    @Test
    void aStalledTransferIsDiscardedWhenTheSameSenderComesBack() {
        this.reassembler.accept("a", LegacyProtocol.encodeHeader(5000), 0);
        this.reassembler.accept("a", new byte[1024], 100 * MS);
        byte[] image = bytes(2000, 7);
        // 2.1 s after the last chunk: the old transfer is gone, this header starts a new
        // one
        List<Assembled> done = sendChunked("a", image, 2_200 * MS);
        assertThat(done).singleElement().satisfies(a -> assertThat(a.bytes()).isEqualTo(image));
        assertThat(this.dropped).singleElement().isEqualTo(new Dropped<>("a", Rejection.Reason.STALLED, 5000, 1024, 2));
    }

    @Test
    void stalledTransfersAreSweptEvenIfTheSenderNeverComesBack() {
        this.reassembler.accept("a", LegacyProtocol.encodeHeader(5000), 0);
        this.reassembler.accept("b", LegacyProtocol.encodeHeader(5000), 1_500 * MS);
        assertThat(this.reassembler.expireStalled(2_100 * MS)).isEqualTo(1);
        assertThat(this.dropped).extracting(Dropped::sender).containsExactly("a");
        assertThat(this.reassembler.pendingTransfers()).isEqualTo(1);
        assertThat(this.reassembler.expireStalled(3_600 * MS)).isEqualTo(1);
        assertThat(this.reassembler.pendingTransfers()).isZero();
    }

    @Test
    void memoryGrowsWithWhatArrivedNotWithWhatTheHeaderClaims() {
        this.reassembler.accept("a", LegacyProtocol.encodeHeader(1 << 20), 0);
        assertThat(this.reassembler.inFlightBytes()).isLessThanOrEqualTo(64 * 1024);
        for (int i = 0; i < 100; i++) {
            this.reassembler.accept("a", new byte[1024], 0);
        }
        assertThat(this.reassembler.inFlightBytes()).isBetween(100L * 1024, 256L * 1024);
    }

    @Test
    void theOldestTransferIsEvictedWhenTooManyArePending() {
        ImageReassembler<String> small = new ImageReassembler<>(
                new Limits(1 << 20, Duration.ofSeconds(2), 3, 256L << 20), this.dropped::add);
        for (String sender : List.of("a", "b", "c", "d")) {
            small.accept(sender, LegacyProtocol.encodeHeader(5000), 0);
        }
        assertThat(small.pendingTransfers()).isEqualTo(3);
        assertThat(this.dropped).singleElement().isEqualTo(new Dropped<>("a", Rejection.Reason.EVICTED, 5000, 0, 1));
        // b, c, d are still intact
        byte[] image = bytes(5000, 9);
        small.accept("b", Arrays.copyOf(image, 4000), 0);
        assertThat(small.accept("b", Arrays.copyOfRange(image, 4000, 5000), 0).bytes()).isEqualTo(image);
    }

    @Test
    void theOldestTransfersAreEvictedToKeepInFlightBytesBounded() {
        int mb = 1 << 20;
        ImageReassembler<String> bounded = new ImageReassembler<>(
                new Limits(2 * mb, Duration.ofSeconds(2), 256, 4 * mb), this.dropped::add);
        for (int i = 0; i < 300; i++) { // 300 headers claiming 2 MB each: 600 MB claimed
            bounded.accept("s" + i, LegacyProtocol.encodeHeader(2 * mb), 0);
        }
        assertThat(bounded.inFlightBytes()).isLessThanOrEqualTo(4 * mb);
        // each grows towards 2 MB: the limit holds, the oldest go first
        for (int round = 0; round < 40; round++) {
            for (int i = 290; i < 300; i++) {
                try {
                    bounded.accept("s" + i, new byte[60_000], 0);
                }
                catch (Rejection ignored) {
                    // a chunk past 2 MB overruns; after eviction a chunk is a whole image
                }
                assertThat(bounded.inFlightBytes() + bounded.pooledBytes()).isLessThanOrEqualTo(4 * mb);
            }
        }
        assertThat(this.dropped).extracting(Dropped::reason).containsOnly(Rejection.Reason.EVICTED);
        assertThat(this.dropped.get(0).sender()).isEqualTo("s0");
        assertThat(bounded.pendingTransfers()).isLessThanOrEqualTo(256);
    }

    @Test
    void finishedTransfersLeaveTheirBlocksForTheNextWithinTheInFlightLimit() {
        int mb = 1 << 20;
        ImageReassembler<String> bounded = new ImageReassembler<>(
                new Limits(3 * mb, Duration.ofSeconds(2), 256, 4 * mb), this.dropped::add);
        byte[] image = bytes(3 * mb, 5);
        assertThat(send(bounded, "a", image)).isEqualTo(image);
        assertThat(bounded.inFlightBytes()).isZero();
        assertThat(bounded.pooledBytes()).isEqualTo(3 * mb);

        // 33 of the 48 kept blocks, given back when it completes
        byte[] next = bytes(2 * mb + 1, 6);
        assertThat(send(bounded, "b", next)).isEqualTo(next);
        assertThat(bounded.pooledBytes()).isEqualTo(3 * mb);

        // two transfers that need more than the limit: kept blocks are used first, and
        // nothing exceeds it
        bounded.accept("c", LegacyProtocol.encodeHeader(3 * mb), 0);
        bounded.accept("d", LegacyProtocol.encodeHeader(3 * mb), 0);
        bounded.accept("c", new byte[mb], 0);
        bounded.accept("d", new byte[mb], 0);
        bounded.accept("c", new byte[mb], 0);
        assertThat(bounded.inFlightBytes()).isEqualTo(3 * mb);
        assertThat(bounded.pooledBytes()).isZero();
        // new blocks: c, the oldest, makes room
        bounded.accept("d", new byte[mb + mb / 2], 0);
        assertThat(this.dropped).extracting(Dropped::sender).containsExactly("c");
        assertThat(bounded.inFlightBytes() + bounded.pooledBytes()).isLessThanOrEqualTo(4 * mb);
    }

    private static byte[] send(ImageReassembler<String> reassembler, String sender, byte[] image) {
        reassembler.accept(sender, LegacyProtocol.encodeHeader(image.length), 0);
        ImageReassembler.Assembled done = null;
        for (int offset = 0; offset < image.length; offset += 1024) {
            done = reassembler.accept(sender, Arrays.copyOfRange(image, offset, Math.min(image.length, offset + 1024)),
                    0);
        }
        return done.bytes();
    }

}
