package dev.udpimage.notify.webhook;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether at least one webhook is configured, decided from {@code udp.events.*} as
 * {@link WebhookProperties} binds it. Settings that do not bind match, so that the
 * settings' own binding fails the start and says why.
 */
final class WebhooksConfigured extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        try {
            int hooks = Binder.get(context.getEnvironment())
                .bindOrCreate("udp.events", WebhookProperties.class)
                .webhooks()
                .size();
            return new ConditionOutcome(hooks > 0, hooks + " webhooks in udp.events.webhooks");
        }
        catch (BindException ex) {
            return ConditionOutcome.match("udp.events does not bind; its binding says why");
        }
    }

}
