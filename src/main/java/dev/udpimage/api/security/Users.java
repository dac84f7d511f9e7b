package dev.udpimage.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The configured users and their credentials: the single credentials of
 * {@code udp.security.username}/{@code password}/{@code token} (an admin) and every
 * {@code udp.security.users.<name>}. A password is checked against its hash (bcrypt, made
 * at start from a plain one); once it matched, an HMAC of it under a key made at start is
 * kept for its user, so that a browser that sends Basic credentials with every request
 * pays the hash once, not per request. Tokens are compared as SHA-256 digests, each
 * against every configured one without stopping at a match, in constant time.
 */
final class Users {

    private record Account(ServiceUser user, String passwordHash) {
    }

    private record Token(byte[] digest, ServiceUser user) {
    }

    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    private final Map<String, Account> accounts = new HashMap<>();

    private final List<Token> tokens = new ArrayList<>();

    /** Per user name, the HMAC of the password that last matched. */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    private final SecretKeySpec key;

    Users(SecurityProperties security) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        if (security.hasUser()) {
            add(new ServiceUser(security.username(), Role.ADMIN, CameraSet.ALL), security.password(), null);
        }
        if (security.hasToken()) {
            this.tokens.add(new Token(sha256(security.token()), new ServiceUser("token", Role.ADMIN, CameraSet.ALL)));
        }
        security.users()
            .forEach((name, user) -> add(new ServiceUser(name, user.role(), CameraSet.of(user.cameras())),
                    user.password(), user.token()));
    }

    private void add(ServiceUser user, String password, String token) {
        if (SecurityProperties.hasText(password)) {
            String hash = password.startsWith("{") ? password : this.encoder.encode(password);
            this.accounts.put(user.name(), new Account(user, hash));
        }
        if (SecurityProperties.hasText(token)) {
            this.tokens.add(new Token(sha256(token), user));
        }
    }

    /** The user whose name and password these are. */
    Optional<ServiceUser> byPassword(String name, String password) {
        Account account = name == null || password == null ? null : this.accounts.get(name);
        if (account == null) {
            return Optional.empty();
        }
        byte[] mac = mac(name, password);
        byte[] known = this.verified.get(name);
        if (known != null && MessageDigest.isEqual(known, mac)) {
            return Optional.of(account.user());
        }
        if (!this.encoder.matches(password, account.passwordHash())) {
            return Optional.empty();
        }
        this.verified.put(name, mac);
        return Optional.of(account.user());
    }

    /** The user whose token this is. */
    Optional<ServiceUser> byToken(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(token);
        ServiceUser found = null;
        for (Token known : this.tokens) {
            if (MessageDigest.isEqual(known.digest(), digest) && found == null) {
                found = known.user();
            }
        }
        return Optional.ofNullable(found);
    }

    int size() {
        return this.accounts.size() + this.tokens.size();
    }

    private byte[] mac(String name, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(this.key);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        }
        catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
