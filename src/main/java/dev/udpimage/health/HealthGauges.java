package dev.udpimage.health;

import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} as metrics, so that alert rules and dashboards see what an
 * orchestrator sees: {@code udp.health{component}} is 1 while the component is UP and 0
 * otherwise, for every health component ({@code store}, {@code diskSpace}; in the cluster
 * {@code db} and {@code objectStore}) and for the probe groups ({@code liveness},
 * {@code readiness}). Each scrape asks the components, as a request to
 * {@code /actuator/health} does.
 */
@Component
class HealthGauges {

    private static final List<String> GROUPS = List.of("liveness", "readiness");

    private final HealthEndpoint health;

    private final HealthContributorRegistry contributors;

    private final MeterRegistry registry;

    HealthGauges(HealthEndpoint health, HealthContributorRegistry contributors, MeterRegistry registry) {
        this.health = health;
        this.contributors = contributors;
        this.registry = registry;
    }

    /**
     * Registered once the context is up: the endpoint's contributors are all known then.
     */
    @EventListener(ApplicationReadyEvent.class)
    void register() {
        this.contributors.stream().forEach(entry -> gauge(entry.name()));
        GROUPS.forEach(this::gauge);
    }

    private void gauge(String component) {
        Gauge.builder("udp.health", this, gauges -> gauges.up(component))
            .description("1 while the health component or probe group is UP, 0 otherwise")
            .tag("component", component)
            .register(this.registry);
    }

    private double up(String component) {
        HealthDescriptor descriptor = this.health.healthForPath(component);
        return descriptor != null && Status.UP.equals(descriptor.getStatus()) ? 1 : 0;
    }

}
