package dev.udpimage.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;

import org.junit.jupiter.api.Test;

class CameraSetTest {

    @Test
    void noEntryIsEveryCamera() {
        assertThat(CameraSet.of(List.of()).all()).isTrue();
        assertThat(CameraSet.of(null).allows("10.0.0.1")).isTrue();
        assertThat(CameraSet.of(List.of()).entries()).isEmpty();
    }

    @Test
    void idsMatchExactlyAndRangesByAddressWhateverThePort() {
        CameraSet set = CameraSet.of(List.of("192.168.1.20", "10.1.0.0/16", "172.16.0.9:5000", "fd00::/8"));
        assertThat(set.all()).isFalse();
        assertThat(set.allows("192.168.1.20")).isTrue();
        assertThat(set.allows("192.168.1.21")).isFalse();
        assertThat(set.allows("192.168.1.20:5000")).as("an id is not a range").isFalse();
        assertThat(set.allows("10.1.200.3")).isTrue();
        assertThat(set.allows("10.1.200.3:40000")).isTrue();
        assertThat(set.allows("10.2.0.1")).isFalse();
        assertThat(set.allows("172.16.0.9:5000")).isTrue();
        assertThat(set.allows("172.16.0.9")).isFalse();
        assertThat(set.allows("fd00::1")).isTrue();
        assertThat(set.allows("[fd00::1]:5000")).isTrue();
        assertThat(set.allows("fe80::1")).isFalse();
        assertThat(set.entries()).containsExactly("192.168.1.20", "10.1.0.0/16", "172.16.0.9:5000", "fd00::/8");
    }

    @Test
    void noLookupIsMadeAndNothingUnknownMatches() {
        CameraSet set = CameraSet.of(List.of("0.0.0.0/0"));
        assertThat(set.allows("localhost")).as("a name is never resolved").isFalse();
        assertThat(set.allows(null)).isFalse();
        assertThat(set.allows("all")).isFalse();
        assertThat(set.allows("127.0.0.1")).isTrue();
        assertThat(CameraSet.NONE.allows("127.0.0.1")).isFalse();
        assertThat(CameraSet.ALL.allows(null)).isTrue();
    }

    @Test
    void whatIsNeitherAnIdNorARangeIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> CameraSet.of(List.of("front door")));
        assertThatIllegalArgumentException().isThrownBy(() -> CameraSet.of(List.of(" ")));
        assertThatIllegalArgumentException().isThrownBy(() -> CameraSet.of(List.of("10.0.0.0/40")));
    }

}
