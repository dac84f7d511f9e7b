package dev.udpimage.access;

import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may send ({@code udp.allowed-senders}).
 *
 * @param allowedSenders address ranges (CIDR) whose datagrams both UDP ports take;
 * anything else is dropped unanswered and counted. The default is what a camera on the
 * user's own network has: loopback, the private and link-local ranges (IPv4 and IPv6);
 * {@code 0.0.0.0/0,::/0} takes everyone
 */
@Validated
@ConfigurationProperties("udp")
public record AllowedSendersProperties(@DefaultValue( {
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "::1/128", "fc00::/7",
        "fe80::/10" }) @NotNull List<String> allowedSenders){
}
