package dev.udpimage.api.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may use the HTTP API and the viewer ({@code udp.security.*}). With no credential
 * set, only clients on loopback are answered (protected mode); with any set, everyone
 * must present one. {@code /actuator/health} is always open.
 *
 * @param username the HTTP Basic user name of the one admin of the single credentials
 * @param password its password: a hash such as {@code {bcrypt}$2a$10$...}, or the plain
 * password (from the environment, {@code UDP_SECURITY_PASSWORD}; it is hashed at start
 * and never kept)
 * @param token a bearer token of an admin ({@code Authorization: Bearer <token>}), also
 * accepted as the password of HTTP Basic with any user name (for the browser's prompt)
 * @param users more users, by name, each with its roles, cameras and credentials
 * @param signIn how refused sign-ins are slowed down
 */
@Validated
@ConfigurationProperties("udp.security")
public record SecurityProperties(String username, String password, String token,
        @DefaultValue Map<String, @Valid User> users, @DefaultValue @Valid SignIn signIn) {

    /**
     * A user of {@code udp.security.users.<name>.*}.
     *
     * @param password a {@code {bcrypt}} hash or a plain password (hashed at start)
     * @param roles {@code viewer}, {@code operator}, {@code admin} (the highest counts);
     * none: {@code viewer}
     * @param cameras the cameras it may see: camera ids ({@code 192.168.1.20}) or address
     * ranges ({@code 192.168.1.0/24}); none: all
     * @param token its own bearer token, also its Basic password
     */
    public record User(String password, @DefaultValue List<Role> roles, @DefaultValue List<String> cameras,
            String token) {

        @AssertTrue(message = "a user needs a password or a token (udp.security.users.<name>.password or .token)")
        boolean isUsable() {
            return hasText(this.password) || hasText(this.token);
        }

        @AssertTrue(message = "udp.security.users.<name>.cameras: each is a camera id or an address range "
                + "such as 192.168.1.0/24")
        boolean isCamerasValid() {
            try {
                CameraSet.of(this.cameras);
                return true;
            }
            catch (IllegalArgumentException ex) {
                return false;
            }
        }

        /** The highest of its roles; {@code viewer} when none is given. */
        public Role role() {
            return Role.highest(this.roles);
        }

    }

    /**
     * Refused sign-ins, counted per source address.
     *
     * @param maxFailures refused credentials from one source before it is locked out
     * @param lockout how long a locked-out source gets 429 (and how long its failures are
     * remembered)
     * @param maxSources sources remembered at once, least recently refused forgotten
     * first
     */
    public record SignIn(@DefaultValue("10") @Min(1) int maxFailures, @DefaultValue("5m") Duration lockout,
            @DefaultValue("4096") @Min(16) int maxSources) {

        @AssertTrue(message = "udp.security.sign-in.lockout must be positive")
        boolean isLockoutPositive() {
            return this.lockout != null && !this.lockout.isNegative() && !this.lockout.isZero();
        }

    }

    /** Whether any credential is set: protected mode ends. */
    public boolean configured() {
        return hasText(this.password) || hasToken() || !this.users.isEmpty();
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

    @AssertTrue(message = "udp.security.username names a user of udp.security.users too: one name, one user")
    boolean isUsernameDistinct() {
        return !hasText(this.username) || !this.users.containsKey(this.username);
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

}
