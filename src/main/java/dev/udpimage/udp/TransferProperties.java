package dev.udpimage.udp;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.udpimage.protocol.ImageReassembler;

/**
 * Limits of one image transfer ({@code udp.transfer.*}), on the image port and for
 * {@code POST /send/image}.
 *
 * @param stallTimeout a transfer with no datagram for this long is discarded and counted
 * @param maxImageBytes largest image a header may announce; also the upload limit of
 * {@code /send/image}
 * @param maxPending most transfers in progress at once (all senders); the oldest is
 * evicted for a new one
 * @param maxInflightBytes most memory held by transfers in progress, for legacy and for
 * reliable-mode transfers each; the oldest are evicted to make room
 * @param maxPixels most pixels (width x height, from the image's header) an image may
 * have; more is refused ({@code error: too many pixels}) before anything is stored or
 * sent, so that no header can make a renderer allocate what the heap cannot hold
 */
@Validated
@ConfigurationProperties("udp.transfer")
public record TransferProperties(@DefaultValue("2s") @NotNull Duration stallTimeout,
        @DefaultValue("64MB") @NotNull DataSize maxImageBytes, @DefaultValue("256") @Min(1) int maxPending,
        @DefaultValue("64MB") @NotNull DataSize maxInflightBytes, @DefaultValue("50000000") @Min(1) long maxPixels) {

    @AssertTrue(message = "udp.transfer.max-image-bytes must be between 1 byte and 2047MB")
    boolean isMaxImageBytesInRange() {
        return this.maxImageBytes.toBytes() > 0 && this.maxImageBytes.toBytes() < Integer.MAX_VALUE - 8;
    }

    @AssertTrue(message = "udp.transfer.max-inflight-bytes must be at least udp.transfer.max-image-bytes")
    boolean isMaxInflightBytesLargeEnough() {
        return this.maxInflightBytes.toBytes() >= this.maxImageBytes.toBytes();
    }

    /** The reassembler's limits. */
    public ImageReassembler.Limits limits() {
        return new ImageReassembler.Limits(this.maxImageBytes.toBytes(), this.stallTimeout, this.maxPending,
                this.maxInflightBytes.toBytes());
    }

}
