package dev.udpimage.api;

import java.time.Duration;
import java.util.Locale;

import jakarta.servlet.MultipartConfigElement;

import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.udpimage.send.SendMode;
import dev.udpimage.udp.TransferProperties;

/**
 * Query parameters such as {@code mode=chunked} are matched to enum constants regardless
 * of case. Streamed responses (MJPEG) write on threads of their own, at most
 * {@value #MAX_STREAMS} at once (the next viewer gets 503), for as long as the viewer
 * stays. An upload's file may be as large as {@code udp.transfer.max-image-bytes}
 * (checked again in the controller, which answers 413); the servlet's limit only stops
 * absurd requests early.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfig implements WebMvcConfigurer {

    /** Most MJPEG viewers at once: a thread each, blocked only on its own socket. */
    static final int MAX_STREAMS = 64;

    @Bean
    MultipartConfigElement multipartConfigElement(TransferProperties transfer) {
        MultipartConfigFactory multipart = new MultipartConfigFactory();
        multipart.setMaxFileSize(transfer.maxImageBytes());
        return multipart.createMultipartConfig();
    }

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, SendMode.class,
                value -> SendMode.valueOf(value.strip().toUpperCase(Locale.ROOT)));
    }

    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
        ThreadPoolTaskExecutor streams = new ThreadPoolTaskExecutor();
        streams.setThreadNamePrefix("http-stream-");
        streams.setCorePoolSize(MAX_STREAMS);
        streams.setMaxPoolSize(MAX_STREAMS);
        streams.setQueueCapacity(0);
        streams.setAllowCoreThreadTimeOut(true);
        streams.setDaemon(true);
        streams.initialize();
        configurer.setTaskExecutor(streams);
        configurer.setDefaultTimeout(Duration.ofHours(12).toMillis());
    }

}
