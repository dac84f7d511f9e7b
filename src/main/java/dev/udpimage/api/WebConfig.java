package dev.udpimage.api;

import java.util.Locale;

import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.udpimage.send.SendMode;

/**
 * Query parameters such as {@code mode=chunked} are matched to enum constants regardless
 * of case.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfig implements WebMvcConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, SendMode.class,
                value -> SendMode.valueOf(value.strip().toUpperCase(Locale.ROOT)));
    }

}
