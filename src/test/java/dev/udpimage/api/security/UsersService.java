package dev.udpimage.api.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.TestPropertySource;

import dev.udpimage.support.ServiceTest;

/**
 * The service with users of every role, one of them limited to one camera by an address
 * range, refused sign-ins locked out for 3 s after 10. Test classes with this annotation
 * share one running service ({@link UsersTestSupport} has its cameras send once).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ServiceTest
@TestPropertySource(properties = { "udp.security.users.admin.password=admin-secret",
        "udp.security.users.admin.roles=admin", "udp.security.users.admin.token=admin-token-1234",
        "udp.security.users.operator.password=operator-secret", "udp.security.users.operator.roles=operator",
        "udp.security.users.viewer.password=viewer-secret", "udp.security.users.viewer.roles=viewer",
        "udp.security.users.viewer.token=viewer-token-5678",
        // a viewer of camera A only: 127.0.0.80-81
        "udp.security.users.door.password=door-secret", "udp.security.users.door.roles=viewer",
        "udp.security.users.door.cameras=127.0.0.80/31", "udp.security.users.door.token=door-token-9012",
        "udp.security.sign-in.lockout=3s", "udp.motion.post-capture=1s", "udp.motion.pre-capture=1s",
        "udp.streams.offline-after=2s" })
@interface UsersService {

}
