package dev.udpimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * What the start-up line about {@code jvm.options} names as missing: the tuned options,
 * but not a fixed heap where the heap is a share of the container's memory.
 */
class JvmOptionsCheckTest {

    private static final List<String> TUNED = List.of("-Xms464m", "-Xmx464m", "-XX:G1HeapRegionSize=2m");

    @Test
    void namesWhatTheJvmRunsWithout() {
        assertThat(JvmOptionsCheck.missing(TUNED, List.of("-Xmx464m"))).containsExactly("-Xms464m",
                "-XX:G1HeapRegionSize=2m");
        assertThat(JvmOptionsCheck.missing(TUNED, TUNED)).isEmpty();
    }

    @Test
    void aHeapSizedAsAShareOfTheContainerStandsForTheFixedOne() {
        assertThat(JvmOptionsCheck.missing(TUNED,
                List.of("-XX:InitialRAMPercentage=65", "-XX:MaxRAMPercentage=65", "-XX:G1HeapRegionSize=2m")))
            .isEmpty();
    }

}
