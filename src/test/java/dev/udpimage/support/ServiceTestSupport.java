package dev.udpimage.support;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.udpimage.udp.ReceiverPorts;

/**
 * What every {@link ServiceTest} class talks to: the UDP ports and the HTTP port of the
 * running service.
 */
public abstract class ServiceTestSupport {

    @Autowired
    protected ReceiverPorts ports;

    @LocalServerPort
    protected int httpPort;

    protected Http http() {
        return new Http(this.httpPort);
    }

}
