package dev.udpimage.send;

import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The control plane's limits ({@code udp.send.*}).
 *
 * @param allowedTargets address ranges (CIDR) that {@code POST /send/*} may send to; host
 * names are resolved once and the resolved address is checked
 * @param allowedPorts port ranges ({@code 5000-5099}, or one port) that
 * {@code POST /send/*} may send to, besides this service's own two UDP ports
 * @param requestsPerSecond most {@code POST /send/*} requests a second from one client
 * address (bursts of twice that); more are answered 429
 * @param rate the pace of chunked sends, MB/s, when a request names none; 0 sends as fast
 * as the socket takes the chunks. The default is one the Python reference receiver keeps
 * up with (docs/operations.md says how to choose)
 * @param burst how far a paced send may run ahead of its rate
 */
@Validated
@ConfigurationProperties("udp.send")
public record SendProperties(@DefaultValue( {
        "127.0.0.0/8", "::1/128" }) @NotNull List<String> allowedTargets,
        @DefaultValue({ "5000-5099", "32768-60999" }) @NotNull List<String> allowedPorts,
        @DefaultValue("50") @Min(1) int requestsPerSecond, @DefaultValue("6") @Min(0) double rate,
        @DefaultValue("2KB") @NotNull DataSize burst){
}
