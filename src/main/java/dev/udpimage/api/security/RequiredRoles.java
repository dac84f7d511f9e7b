package dev.udpimage.api.security;

import java.util.Map;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * The OpenAPI document states the role each operation needs, from the same
 * {@link AccessRules} the filter chain enforces: {@code x-required-role} ({@code viewer},
 * {@code operator}, {@code admin}) and a sentence at the end of its description.
 */
@Configuration(proxyBeanMethods = false)
class RequiredRoles {

    static final String EXTENSION = "x-required-role";

    @Bean
    OpenApiCustomizer requiredRolesInOpenApi() {
        return openApi -> openApi.getPaths().forEach((url, path) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.readOperationsMap().entrySet()) {
                Role role = AccessRules.roleFor(HttpMethod.valueOf(entry.getKey().name()),
                        url.replaceAll("\\{[^}/]+}", "x"));
                Operation operation = entry.getValue();
                String needs = role == null ? "anyone" : role.id();
                operation.addExtension(EXTENSION, needs);
                String said = "Needs the role " + needs + (role == Role.ADMIN ? "." : " (or higher).");
                operation.setDescription(
                        operation.getDescription() == null ? said : operation.getDescription() + " " + said);
            }
        });
    }

}
