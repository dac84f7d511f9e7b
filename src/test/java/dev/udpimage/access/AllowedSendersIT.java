package dev.udpimage.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.TestHost;
import dev.udpimage.udp.ReceiverPorts;

/**
 * A sender with an address outside the private ranges (a test host in a network
 * namespace, 198.18.0.0/15: not loopback, not private, like a host on the internet): by
 * default its datagrams are neither stored nor answered, and counted; allowed once
 * {@code udp.allowed-senders} names its range.
 */
class AllowedSendersIT {

    private static TestHost host;

    @BeforeAll
    static void host() throws IOException {
        Commands.require(TestHost.available(), "making a test host takes root and iproute2");
        host = TestHost.create();
    }

    @AfterAll
    static void close() throws IOException {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aPublicAddressIsNeitherStoredNorAnsweredByDefault() throws IOException {
        try (ConfigurableApplicationContext service = start()) {
            ReceiverPorts ports = service.getBean(ReceiverPorts.class);
            Http http = http(service);
            assertThat(sendFromHost(ports.list(), "[1, 2, 3]")).isEqualTo("no reply");
            assertThat(sendFromHost(ports.image(), "GIF89a not really")).isEqualTo("no reply");
            assertThat(http.get("/received/lists").json()).isEmpty();
            assertThat(http.get("/received/stats").json().at("/ports/list/failed/sender-not-allowed").asLong())
                .isEqualTo(1);
            assertThat(http.get("/received/stats").json().at("/ports/image/failed/sender-not-allowed").asLong())
                .isEqualTo(1);
        }
    }

    @Test
    void allowedWhenTheSettingNamesItsRange() throws IOException {
        try (ConfigurableApplicationContext service = start("--udp.allowed-senders=127.0.0.0/8,198.18.0.0/15")) {
            ReceiverPorts ports = service.getBean(ReceiverPorts.class);
            assertThat(sendFromHost(ports.list(), "[1, 2, 3]")).isEqualTo("get the msg");
            assertThat(http(service).get("/received/lists/latest").json().get("sender").asString())
                .startsWith(host.address() + ":");
        }
    }

    private static ConfigurableApplicationContext start(String... settings) {
        String[] arguments = { "--server.port=0", "--udp.image-port=0", "--udp.list-port=0",
                "--udp.bind-address=0.0.0.0", "--udp.store.dir=" };
        String[] all = java.util.Arrays.copyOf(arguments, arguments.length + settings.length);
        System.arraycopy(settings, 0, all, arguments.length, settings.length);
        return new SpringApplicationBuilder(UdpImageServiceApplication.class).run(all);
    }

    private static Http http(ConfigurableApplicationContext service) {
        return new Http(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
    }

    /** One datagram from the test host, and the reply within 2 s, or "no reply". */
    private static String sendFromHost(int port, String payload) throws IOException {
        String script = "import socket,sys\n" + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "s.settimeout(2)\n" + "s.sendto(sys.argv[1].encode(),(sys.argv[2],int(sys.argv[3])))\n" + "try:\n"
                + "    print(s.recv(1024).decode())\n" + "except socket.timeout:\n" + "    print('no reply')\n";
        Commands.Result result = host.exec(Commands.PYTHON.toString(), "-c", script, payload, host.hostAddress(),
                String.valueOf(port));
        assertThat(result.exit()).as(result.output()).isZero();
        return result.output().strip();
    }

}
