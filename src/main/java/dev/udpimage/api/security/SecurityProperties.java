package dev.udpimage.api.security;

import jakarta.validation.constraints.AssertTrue;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Credentials for the HTTP API and the viewer ({@code udp.security.*}). With none set,
 * only clients on loopback are answered (protected mode); with any set, everyone must
 * present them. {@code /actuator/health} is always open.
 *
 * @param username the HTTP Basic user name
 * @param password its password: a hash such as {@code {bcrypt}$2a$10$...}, or the plain
 * password (from the environment, {@code UDP_SECURITY_PASSWORD}; it is hashed at start
 * and never kept)
 * @param token a bearer token ({@code Authorization: Bearer <token>}), also accepted as
 * the password of HTTP Basic with any user name (for the browser's prompt)
 */
@Validated
@ConfigurationProperties("udp.security")
public record SecurityProperties(String username, String password, String token) {

    /** Whether any credential is set: protected mode ends. */
    public boolean configured() {
        return hasText(this.password) || hasToken();
    }

    /** Whether a Basic user (name and password) is set. */
    public boolean hasUser() {
        return hasText(this.username);
    }

    /** Whether a bearer token is set. */
    public boolean hasToken() {
        return hasText(this.token);
    }

    @AssertTrue(message = "udp.security.username and udp.security.password go together")
    boolean isUserComplete() {
        return hasText(this.username) == hasText(this.password);
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

}
