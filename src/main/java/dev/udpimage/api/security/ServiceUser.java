package dev.udpimage.api.security;

import java.security.Principal;
import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Who a request is: the principal of every authenticated request.
 *
 * @param name as configured ({@code local} in protected mode, {@code token} for the
 * single credentials' token)
 * @param role what it may do
 * @param cameras what it may see
 */
public record ServiceUser(String name, Role role, CameraSet cameras) implements Principal {

    /** A request from this machine in protected mode. */
    static final ServiceUser LOCAL = new ServiceUser("local", Role.ADMIN, CameraSet.ALL);

    @Override
    public String getName() {
        return this.name;
    }

    List<GrantedAuthority> authorities() {
        return List.of(new SimpleGrantedAuthority(this.role.authority()));
    }

    @Override
    public String toString() {
        return this.name + " (" + this.role.id() + ")";
    }

}
