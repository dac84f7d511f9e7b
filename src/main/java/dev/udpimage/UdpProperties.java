package dev.udpimage;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;
/**
 * Every setting of the service, under {@code udp.*}. Ports may be 0 (an ephemeral port, used by the tests).
 *
 * @param imagePort UDP port for images (legacy header + chunks, or whole images)
 * @param listPort UDP port for JSON lists
 * @param bindAddress address both UDP ports bind to
 * @param socketReceiveBuffer SO_RCVBUF to ask for; the kernel caps it at net.core.rmem_max
 * @param transfer limits of one legacy image transfer
 * @param store what is kept of what was received
 */
@Validated
@ConfigurationProperties("udp")
public record UdpProperties(
        @DefaultValue("9999") @Min(0) @Max(65535) int imagePort,
        @DefaultValue("9998") @Min(0) @Max(65535) int listPort,
        @DefaultValue("0.0.0.0") @NotBlank String bindAddress,
        @DefaultValue("4MB") @NotNull DataSize socketReceiveBuffer,
        @DefaultValue @Valid Transfer transfer,
        @DefaultValue @Valid Store store) {

    /**
     * @param stallTimeout a transfer with no datagram for this long is discarded and counted
     * @param maxImageBytes largest image a header may announce; also the upload limit of {@code /send/image}
     */
    public record Transfer(
            @DefaultValue("2s") @NotNull Duration stallTimeout,
            @DefaultValue("64MB") @NotNull DataSize maxImageBytes) {

        @AssertTrue(message = "udp.transfer.max-image-bytes must be between 1 byte and 2047MB")
        boolean isMaxImageBytesInRange() {
            return this.maxImageBytes.toBytes() > 0 && this.maxImageBytes.toBytes() < Integer.MAX_VALUE - 8;
        }
    }

    /** @param history how many images and how many lists are kept (oldest dropped first) */
    public record Store(@DefaultValue("100") @Min(1) int history) {
    }
}
