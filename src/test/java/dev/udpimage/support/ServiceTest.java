package dev.udpimage.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole service, as it runs: real Spring context, real HTTP on a random port, real
 * UDP sockets on ephemeral loopback ports. Test classes with the same annotation share
 * one running service.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "udp.image-port=0", "udp.list-port=0", "udp.bind-address=127.0.0.1",
        "udp.transfer.stall-timeout=500ms", "udp.transfer.max-image-bytes=8MB",
        // every test context starts with an empty store
        "udp.store.dir=target/test-store/${random.uuid}", })
public @interface ServiceTest {

}
