package dev.udpimage.udp;

import java.time.Duration;

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
 * The two UDP ports ({@code udp.*}). Ports may be 0 (an ephemeral port, used by the
 * tests).
 *
 * @param imagePort UDP port for images (legacy header + chunks, or whole images)
 * @param listPort UDP port for JSON lists
 * @param bindAddress address both UDP ports bind to
 * @param socketReceiveBuffer SO_RCVBUF to ask for; the kernel caps it at
 * net.core.rmem_max, except for the image port of a process with CAP_NET_ADMIN, which
 * asks again with SO_RCVBUFFORCE
 * @param receiveSpin how long a port's receive thread keeps polling its socket after the
 * last datagram before it sleeps until the next; 0 sleeps at once (least CPU when traffic
 * is sparse, slowest stop-and-wait)
 */
@Validated
@ConfigurationProperties("udp")
public record UdpPortsProperties(@DefaultValue("9999") @Min(0) @Max(65535) int imagePort,
        @DefaultValue("9998") @Min(0) @Max(65535) int listPort, @DefaultValue("0.0.0.0") @NotBlank String bindAddress,
        @DefaultValue("16MB") @NotNull DataSize socketReceiveBuffer,
        @DefaultValue("100us") @NotNull Duration receiveSpin) {

    @AssertTrue(message = "udp.receive-spin must not be negative")
    boolean isReceiveSpinNotNegative() {
        return !this.receiveSpin.isNegative();
    }

    /**
     * {@code socket-receive-buffer} as SO_RCVBUF takes it; the kernel caps it at
     * {@code net.core.rmem_max}.
     */
    int receiveBufferBytes() {
        return (int) Math.min(Integer.MAX_VALUE, this.socketReceiveBuffer.toBytes());
    }

}
