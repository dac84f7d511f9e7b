package dev.udpimage.api.security;

import java.util.Collection;
import java.util.Locale;

/**
 * What a user may do; each role may do what the ones before it may.
 * <ul>
 * <li>{@link #VIEWER}: read its cameras: live tiles and streams, images, lists,
 * recordings, exports, events, snapshots, clips;</li>
 * <li>{@link #OPERATOR}: a viewer that may also send ({@code POST /send/*});</li>
 * <li>{@link #ADMIN}: everything, including the metrics, the receive statistics and the
 * actuator's details.</li>
 * </ul>
 */
public enum Role {

    VIEWER, OPERATOR, ADMIN;

    /** The Spring Security authority: {@code ROLE_VIEWER}. */
    public String authority() {
        return "ROLE_" + name();
    }

    /** As configured and shown: {@code viewer}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The highest of the roles; {@link #VIEWER} for none. */
    public static Role highest(Collection<Role> roles) {
        return roles == null ? VIEWER : roles.stream().max(Role::compareTo).orElse(VIEWER);
    }

}
