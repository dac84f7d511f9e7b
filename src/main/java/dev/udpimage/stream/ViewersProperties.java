package dev.udpimage.stream;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How many live viewers may be open at once ({@code udp.viewers.*}).
 *
 * @param maxMjpeg most MJPEG viewers ({@code /received/stream.mjpeg}) open at once; more
 * are answered 503
 * @param maxEvents most Server-Sent Events streams ({@code /received/events}) open at
 * once; more are answered 503
 */
@Validated
@ConfigurationProperties("udp.viewers")
public record ViewersProperties(@DefaultValue("32") @Min(1) int maxMjpeg, @DefaultValue("32") @Min(1) int maxEvents) {
}
