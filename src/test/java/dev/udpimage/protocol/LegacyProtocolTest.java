package dev.udpimage.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LegacyProtocolTest {

    @Test
    void headerIsStructPackLittleEndianInt64() {
        // struct.pack('l', 105032) on x86-64 == b'H\x9a\x01\x00\x00\x00\x00\x00'
        assertThat(LegacyProtocol.encodeHeader(105_032)).containsExactly(0x48, 0x9a, 0x01, 0x00, 0x00, 0x00, 0x00,
                0x00);
        assertThat(LegacyProtocol.decodeHeader(LegacyProtocol.encodeHeader(-1))).isEqualTo(-1);
        assertThat(LegacyProtocol.decodeHeader(LegacyProtocol.encodeHeader(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
        assertThatIllegalArgumentException().isThrownBy(() -> LegacyProtocol.decodeHeader(new byte[9]));
    }

    @Test
    void repliesAreTheExactAsciiBytes() {
        assertThat(LegacyProtocol.ascii(LegacyProtocol.IMAGE_REPLY)).hasSize(14);
        assertThat(LegacyProtocol.ascii(LegacyProtocol.LIST_REPLY)).hasSize(11);
    }

    @Test
    void errorRepliesArePrintableAsciiAndShort() {
        byte[] reply = LegacyProtocol.errorReply("bad \u00e9\n\u0000 byte " + "x".repeat(500));
        String text = new String(reply, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("error: bad ??? byte x");
        assertThat(reply).hasSize(200);
        for (byte b : reply) {
            assertThat(b).isBetween((byte) 0x20, (byte) 0x7e);
        }
        assertThat(new String(LegacyProtocol.errorReply(null), StandardCharsets.US_ASCII)).isEqualTo("error: rejected");
    }

}
