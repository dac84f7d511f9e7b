package dev.udpimage.notify.mqtt;

import dev.udpimage.support.TestSubscriber;
import dev.udpimage.support.TestHook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LocalMosquitto;
import dev.udpimage.support.ServiceProcess;

/**
 * How the service meets a real mosquitto: with a user name and password where the broker
 * asks for them (and DOWN with why in {@code /actuator/health} when they are wrong, the
 * receiver still ready), and the last will the broker publishes for it when it dies
 * without a word ({@code SIGKILL}).
 */
class MqttConnectionIT {

    @BeforeAll
    static void mosquittoInstalled() {
        Commands.require(LocalMosquitto.available(), "mosquitto (apt-get install mosquitto)");
    }

    @Test
    void connectsWithAUsernameAndPasswordWhereTheBrokerWantsThem() throws Exception {
        LocalMosquitto broker = LocalMosquitto.get();
        try (TestSubscriber subscriber = TestSubscriber.open(broker.url(), false, "it-auth/#");
                ConfigurableApplicationContext service = service("udp.mqtt.url=" + broker.authUrl(),
                        "udp.mqtt.prefix=it-auth", "udp.mqtt.client-id=it-auth",
                        "udp.mqtt.username=" + LocalMosquitto.USERNAME,
                        "udp.mqtt.password=" + LocalMosquitto.PASSWORD)) {
            assertThat(subscriber.await("it-auth/available", message -> true).text()).isEqualTo("online");
            assertThat(mqttHealth(service).get("status").asString()).isEqualTo("UP");
        }
    }

    @Test
    void aWrongPasswordIsDownWithWhyAndTheReceiverStaysReady() throws Exception {
        LocalMosquitto broker = LocalMosquitto.get();
        try (ConfigurableApplicationContext service = service("udp.mqtt.url=" + broker.authUrl(),
                "udp.mqtt.prefix=it-wrong", "udp.mqtt.client-id=it-wrong",
                "udp.mqtt.username=" + LocalMosquitto.USERNAME, "udp.mqtt.password=not-the-password")) {
            JsonNode mqtt = await().atMost(Duration.ofSeconds(30))
                .until(() -> mqttHealth(service),
                        health -> health.path("details").path("reason").asString("").contains("Not authorized"));
            assertThat(mqtt.get("status").asString()).isEqualTo("DOWN");
            assertThat(mqtt.get("details").get("reason").asString()).contains(broker.authUrl());
            assertThat(http(service).get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(http(service).get("/actuator/health/liveness").status()).isEqualTo(200);
        }
    }

    @Test
    void theBrokerSaysOfflineForAServiceKilledWithoutAWord() throws Exception {
        LocalMosquitto broker = LocalMosquitto.get();
        try (TestSubscriber subscriber = TestSubscriber.open(broker.url(), false, "it-killed/available");
                ServiceProcess service = serviceProcess(broker, "it-killed")) {
            subscriber.await("it-killed/available", message -> message.text().equals("online"));
            subscriber.clear();
            service.kill();
            // its connection closed without a DISCONNECT: the broker publishes the will
            assertThat(subscriber.await("it-killed/available", message -> true).text()).isEqualTo("offline");
        }
        assertThat(TestSubscriber.retained(broker.url(), "it-killed/available").text()).isEqualTo("offline");
    }

    @Test
    void theBrokerSaysOfflineForAServiceSilentForOneAndAHalfKeepAlives() throws Exception {
        LocalMosquitto broker = LocalMosquitto.get();
        try (TestSubscriber subscriber = TestSubscriber.open(broker.url(), false, "it-frozen/available");
                ServiceProcess service = serviceProcess(broker, "it-frozen")) {
            subscriber.await("it-frozen/available", message -> message.text().equals("online"));
            subscriber.clear();
            // frozen, its connection open (as when its host or the network goes away):
            // the broker hears nothing for 1.5 keep-alives (3 s), and publishes the will
            long frozenAt = System.nanoTime();
            assertThat(Commands.run(List.of("kill", "-STOP", String.valueOf(service.pid())), 10).exit()).isZero();
            assertThat(subscriber.await("it-frozen/available", message -> true).text()).isEqualTo("offline");
            assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    /**
     * The service as a process of its own with a keep-alive of 2 s; its health answers
     * 200 only once every component is UP, the broker's too.
     */
    private static ServiceProcess serviceProcess(LocalMosquitto broker, String prefix) throws Exception {
        return ServiceProcess.start(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                Path.of("target", "mqtt-" + prefix + ".log"), "--udp.store.dir=", "--spring.main.banner-mode=off",
                "--udp.mqtt.url=" + broker.url(), "--udp.mqtt.prefix=" + prefix, "--udp.mqtt.client-id=" + prefix,
                "--udp.mqtt.keep-alive=2s");
    }

    /** The whole service in this JVM, on free ports, with these settings. */
    private static ConfigurableApplicationContext service(String... settings) {
        List<String> properties = new ArrayList<>(List.of("server.port=0", "udp.image-port=0", "udp.list-port=0",
                "udp.bind-address=127.0.0.1", "udp.store.dir=", "spring.main.banner-mode=off"));
        properties.addAll(List.of(settings));
        return new SpringApplicationBuilder(UdpImageServiceApplication.class)
            .properties(properties.toArray(String[]::new))
            .run();
    }

    private static Http http(ConfigurableApplicationContext service) {
        return new Http(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
    }

    private static JsonNode mqttHealth(ConfigurableApplicationContext service) {
        return http(service).get("/actuator/health").json().get("components").get("mqtt");
    }

}
