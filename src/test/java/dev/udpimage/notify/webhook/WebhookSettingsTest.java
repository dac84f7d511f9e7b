package dev.udpimage.notify.webhook;

import dev.udpimage.support.TestSubscriber;
import dev.udpimage.support.TestHook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.udpimage.events.EventNotifier;

/**
 * {@code udp.events.*} as Spring binds it: the notifier exists only with a hook, its
 * settings are checked at start-up, and it writes with the application's JSON mapper.
 */
class WebhookSettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(WebhookProperties.class)
    @Import(WebhookNotifier.class)
    static class Webhooks {

    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
        .withUserConfiguration(Webhooks.class)
        .withBean(SimpleMeterRegistry.class);

    @Test
    void noHookNoNotifier() {
        this.context.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(WebhookNotifier.class);
            WebhookProperties defaults = context.getBean(WebhookProperties.class);
            assertThat(defaults.webhookTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(defaults.webhookTargets()).doesNotContain("169.254.0.0/16");
        });
    }

    @Test
    void aHookIsSentToWithTheApplicationsMapper() {
        try (TestHook hook = TestHook.answering(200)) {
            this.context
                .withPropertyValues("udp.events.webhooks[0].url=" + hook.url(),
                        "udp.events.webhooks[0].secret=" + hook.secret)
                .run(context -> {
                    assertThat(context).hasSingleBean(WebhookNotifier.class);
                    context.getBean(EventNotifier.class)
                        .cameraOnline("192.168.1.20", Instant.parse("2026-03-01T10:15:30Z"));
                    TestHook.Request request = hook.next(Duration.ofSeconds(5));
                    assertThat(request.header("X-Udp-Signature")).isEqualTo(hook.expectedSignature(request));
                    JsonNode body = context.getBean(JsonMapper.class).readTree(request.body());
                    assertThat(body.get("lastFrameAt").asString()).isEqualTo("2026-03-01T10:15:30Z");
                    assertThat(body.get("sentAt").isString()).isTrue();
                });
        }
    }

    @Test
    void aShortSecretFailsTheStartSayingWhich() {
        this.context
            .withPropertyValues("udp.events.webhooks[0].url=http://192.168.1.5/hook",
                    "udp.events.webhooks[0].secret=short")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("udp.events.webhooks[0].secret is required, at least 16 characters"));
    }

    @Test
    void aUrlThatIsNotHttpFailsTheStart() {
        this.context
            .withPropertyValues("udp.events.webhooks[0].url=ftp://192.168.1.5/hook",
                    "udp.events.webhooks[0].secret=a-secret-of-32-characters-length")
            .run(context -> assertThat(context).hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("udp.events.webhooks[0].url must be an http or https URL with a host"));
    }

    @Test
    void noAttemptsFailsTheStart() {
        this.context.withPropertyValues("udp.events.webhook-attempts=0")
            .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("webhookAttempts"));
    }

}
