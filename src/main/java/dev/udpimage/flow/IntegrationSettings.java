package dev.udpimage.flow;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.MessageBuilderFactory;
import org.springframework.integration.support.MutableMessageBuilderFactory;
import org.springframework.integration.support.utils.IntegrationUtils;
import org.springframework.util.AlternativeJdkIdGenerator;
import org.springframework.util.IdGenerator;

/**
 * App-wide Spring Integration settings, for every flow (docs/design.md says what each
 * saves).
 */
@Configuration(proxyBeanMethods = false)
public class IntegrationSettings {

    /**
     * Each step's output message is built by the mutable builder, not copied into a fresh
     * immutable header map per step. Nothing here changes a message once it is sent, and
     * each message stays on its receive thread.
     */
    @Bean(IntegrationUtils.INTEGRATION_MESSAGE_BUILDER_FACTORY_BEAN_NAME)
    MessageBuilderFactory messageBuilderFactory() {
        return new MutableMessageBuilderFactory();
    }

    /**
     * Message ids from a fast, non-cryptographic UUID source: the default,
     * {@code UUID.randomUUID()}, takes a SecureRandom lock for every message, and nothing
     * here needs unguessable ids.
     */
    @Bean
    IdGenerator messageIdGenerator() {
        return new AlternativeJdkIdGenerator();
    }

}
