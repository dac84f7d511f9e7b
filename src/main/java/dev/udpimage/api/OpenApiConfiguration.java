package dev.udpimage.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document ({@code /v3/api-docs}, committed as {@code docs/openapi.yaml}):
 * what a generated client needs beyond the controllers' annotations. The service's name,
 * version (from the build), licence and server; HTTP Basic and bearer security on every
 * operation (with no credentials configured, only this machine is answered, which needs
 * none); the tags in the README's order; and every error response as RFC 9457
 * problem+json, with the errors every operation can answer (401, 403) declared on each.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String PROBLEM = "Problem";

    private static final String JSON_VALUE = "JsonValue";

    private static final String PROBLEM_JSON = "application/problem+json";

    /** Paths for operators rather than for cameras' data: the tag {@code operations}. */
    private static final List<String> OPERATIONS = List.of("/received/stats");

    static {
        // a JSON value of any kind (the lists), not the bean properties of Jackson's tree
        SpringDocUtils.getConfig()
            .replaceWithSchema(JsonNode.class, new Schema<>().$ref("#/components/schemas/" + JSON_VALUE));
    }

    @Bean
    OpenAPI udpImageServiceOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        String version = properties != null ? properties.getVersion() : "development";
        return new OpenAPI()
            .info(new Info().title("udp-image-service")
                .version(version)
                .description("Receives images and JSON lists over UDP in the protocol of the Python + OpenCV "
                        + "tutorial, keeps and records them, and sends to other UDP peers. Errors are RFC 9457 "
                        + "problem+json. With no credentials configured (protected mode) only requests from the "
                        + "service's own machine are answered, without credentials; with `udp.security.*` set, "
                        + "every request presents a user's credentials (HTTP Basic or a bearer token), and the "
                        + "user's role (viewer, operator, admin: `x-required-role` on each operation) and cameras "
                        + "decide what it may do and see: another camera is a 404, as if it did not exist.")
                .license(new License().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0")))
            // relative: Swagger UI and a client resolve it against where they fetched the
            // document
            .servers(List.of(new Server().url("/").description("this service")))
            .components(new Components()
                .addSecuritySchemes("basicAuth",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP)
                            .scheme("basic")
                            .description("A user's name and password (udp.security.username and .password, "
                                    + "or udp.security.users.<name>.password), or any name and a user's token as "
                                    + "the password"))
                .addSecuritySchemes("bearerAuth", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .description("A user's token (udp.security.token, or " + "udp.security.users.<name>.token)")))
            .security(List.of(new SecurityRequirement().addList("basicAuth"),
                    new SecurityRequirement().addList("bearerAuth")));
    }

    /**
     * The tags in the README's order; error responses as problem+json, and those of every
     * operation declared on each (springdoc builds the paths and schemas after the bean
     * above, so they are added here).
     */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            openApi.setTags(List.of(tag("send", "Send images and lists to UDP peers with the legacy protocol"),
                    tag("received", "Images and lists received over UDP"),
                    tag("recordings", "Every frame of every camera, kept by time"),
                    tag("streams", "Senders as live camera streams"),
                    tag("events", "Motion events: what happened, when, and where in the frame"),
                    tag("users", "Who the request is and what it may do"),
                    tag("operations", "What the ports counted, for people and dashboards")));
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            // no type: any JSON value (an array, an object, a string, a number, true,
            // false or null)
            openApi.getComponents()
                .addSchemas(JSON_VALUE, new Schema<>().description("Any JSON value, usually a list"));
            openApi.getPaths()
                .forEach((url, path) -> path.readOperations().forEach(operation -> declare(url, operation)));
        };
    }

    private static void declare(String url, Operation operation) {
        if (OPERATIONS.contains(url)) {
            operation.setTags(List.of("operations"));
        }
        ApiResponses responses = operation.getResponses();
        responses.computeIfAbsent("401", code -> new ApiResponse()
            .description("Credentials are configured and the request has none, or wrong ones"));
        responses.computeIfAbsent("403",
                code -> new ApiResponse()
                    .description("The user's role does not allow the operation (see x-required-role); or "
                            + "protected mode (no credentials configured) and the request is not from this machine; "
                            + "or a browser's request for another site"));
        Map<String, ApiResponse> sorted = new LinkedHashMap<>();
        responses.keySet().stream().sorted().forEach(code -> sorted.put(code, responses.get(code)));
        responses.clear();
        sorted.forEach((code, response) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                response.setContent(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
            }
            responses.addApiResponse(code, response);
        });
    }

    private static Tag tag(String name, String description) {
        return new Tag().name(name).description(description);
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", new StringSchema().format("uri").description("The problem type (about:blank)"));
        properties.put("title", new StringSchema().description("Short, the same for every problem of its kind"));
        properties.put("status", new IntegerSchema().description("The HTTP status"));
        properties.put("detail", new StringSchema().description("What went wrong with this request, and what to do"));
        properties.put("instance", new StringSchema().format("uri").description("The request's path"));
        return new ObjectSchema().description("An RFC 9457 problem detail")
            .properties(properties)
            .required(List.of("title", "status"));
    }

}
