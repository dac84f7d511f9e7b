package dev.udpimage.stream;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.udpimage.store.CameraKey;

/**
 * How received images are grouped into camera streams ({@code udp.streams.*}).
 *
 * @param key what makes a stream, and a camera everywhere: the sender's address
 * ({@code ip}: the Python clients take a new port each run) or its address and port
 * ({@code ip-port})
 * @param maxStreams most streams kept; past it the least recently seen is forgotten
 * @param maxBytes most bytes the streams' newest frames hold together (or one frame, if
 * larger); past it the least recently seen streams are forgotten
 * @param offlineAfter a camera that sent nothing for this long is offline (told on MQTT,
 * to webhooks, shown in the viewer); it stays listed, with its last frame, until the
 * bounds above make room for another
 */
@Validated
@ConfigurationProperties("udp.streams")
public record StreamsProperties(@DefaultValue("ip") @NotNull CameraKey key, @DefaultValue("256") @Min(1) int maxStreams,
        @DefaultValue("16MB") @NotNull DataSize maxBytes, @DefaultValue("30s") @NotNull Duration offlineAfter) {

    /** The camera a sender belongs to. */
    public String cameraOf(String sender) {
        return this.key.cameraOf(sender);
    }

}
