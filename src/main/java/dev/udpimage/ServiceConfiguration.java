package dev.udpimage;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.udpimage.decode.ImageDecoder;
import dev.udpimage.store.CameraKey;
import dev.udpimage.stream.StreamsProperties;
import dev.udpimage.udp.TransferProperties;

/**
 * Beans made from one part's settings for others, so that those parts depend on what they
 * use, not on whose setting it is: what makes a camera ({@code udp.streams.key}) for the
 * backends, and the image identifier with its pixel budget
 * ({@code udp.transfer.max-pixels}) for the receive and send paths.
 */
@Configuration(proxyBeanMethods = false)
public class ServiceConfiguration {

    @Bean
    CameraKey cameraKey(StreamsProperties streams) {
        return streams.key();
    }

    @Bean
    ImageDecoder imageDecoder(TransferProperties transfer) {
        return new ImageDecoder(transfer.maxPixels());
    }

}
