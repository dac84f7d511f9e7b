package dev.udpimage.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The streams' table: bounded, least recently seen out first, newcomers before regulars.
 */
class StreamTableTest {

    @Test
    void aCameraThatKeepsSendingOutlivesAFloodOfOneFrameSenders() {
        StreamTable<String> table = new StreamTable<>(8);
        table.seen("camera", key -> key);
        for (int i = 0; i < 100_000; i++) {
            table.seen("spoofed-" + i, key -> key);
            if (i % 1000 == 0) {
                table.seen("camera", key -> key); // a frame now and then
            }
            while (table.size() > 8) {
                assertThat(table.evictOne("spoofed-" + i)).isNotEqualTo("camera");
            }
        }
        assertThat(table.get("camera")).isEqualTo("camera");
        assertThat(table.size()).isEqualTo(8);
    }

    @Test
    void newcomersGoLeastRecentlySeenFirstThenRegulars() {
        StreamTable<String> table = new StreamTable<>(4);
        for (String key : new String[] { "a", "b", "c", "a", "d" }) {
            table.seen(key, k -> k);
        }
        // a is a regular; b, c, d newcomers in that order
        assertThat(table.evictOne(null)).isEqualTo("b");
        assertThat(table.evictOne("c")).isEqualTo("d");
        assertThat(table.evictOne("c")).isEqualTo("a");
        assertThat(table.evictOne("c")).isNull();
    }

    @Test
    void regularsTakeAtMostThreeQuartersOfThePlaces() {
        StreamTable<String> table = new StreamTable<>(4);
        for (String key : new String[] { "a", "b", "c", "d" }) {
            table.seen(key, k -> k);
            table.seen(key, k -> k);
        }
        // three regulars at most: a, the least recently seen, is a newcomer again
        assertThat(table.evictOne(null)).isEqualTo("a");
    }

}
