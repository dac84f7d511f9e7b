package dev.udpimage.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

class CidrRangeTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void matchesByPrefix() throws UnknownHostException {
        CidrRange loopback = CidrRange.parse("127.0.0.0/8");
        assertThat(loopback.contains(ip("127.0.0.1"))).isTrue();
        assertThat(loopback.contains(ip("127.255.1.2"))).isTrue();
        assertThat(loopback.contains(ip("128.0.0.1"))).isFalse();
        assertThat(loopback.contains(ip("::1"))).isFalse();
        CidrRange odd = CidrRange.parse("192.0.2.64/26");
        assertThat(odd.contains(ip("192.0.2.127"))).isTrue();
        assertThat(odd.contains(ip("192.0.2.128"))).isFalse();
        assertThat(odd.contains(ip("192.0.2.63"))).isFalse();
        assertThat(CidrRange.parse("::1/128").contains(ip("::1"))).isTrue();
        assertThat(CidrRange.parse("::1/128").contains(ip("::2"))).isFalse();
        assertThat(CidrRange.parse("10.1.2.3").contains(ip("10.1.2.3"))).isTrue();
        assertThat(CidrRange.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    }

    @Test
    void ipv4MappedIpv6AddressesMatchTheirIpv4Range() throws UnknownHostException {
        assertThat(CidrRange.parse("127.0.0.0/8").contains(ip("::ffff:127.0.0.1"))).isTrue();
    }

    @Test
    void rejectsWhatIsNotARange() {
        assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("localhost"));
        assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("10.0.0.0/33"));
        assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("::1/129"));
        assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("1.2.3.4/x"));
    }

}
