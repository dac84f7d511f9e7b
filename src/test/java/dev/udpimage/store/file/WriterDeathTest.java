package dev.udpimage.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.TestImages;
import dev.udpimage.udp.ReceiverPorts;

/**
 * The store's writer thread killed under a {@code sync} store (the fault injected with
 * {@link Thread#stop()}, which Java 17 still carries out: the thread dies of a
 * {@code ThreadDeath} wherever it is): the store turns DOWN and every save is refused at
 * once, never left waiting for a thread that is gone.
 */
class WriterDeathTest {

    private ConfigurableApplicationContext service;

    @AfterEach
    void stop() {
        if (this.service != null) {
            this.service.close();
        }
    }

    @Test
    @SuppressWarnings("removal")
    void aDeadWriterTurnsTheStoreDownAndEverySaveIntoAnErrorAtOnce() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "writer-death").toAbsolutePath().normalize();
        this.service = new SpringApplicationBuilder(UdpImageServiceApplication.class).run("--server.port=0",
                "--udp.image-port=0", "--udp.list-port=0", "--udp.bind-address=127.0.0.1", "--udp.store.dir=" + dir,
                "--udp.store.durability=sync");
        Http http = new Http(Integer.parseInt(this.service.getEnvironment().getProperty("local.server.port")));
        ReceiverPorts ports = this.service.getBean(ReceiverPorts.class);
        try (LegacyTestClient images = new LegacyTestClient(ports.image());
                LegacyTestClient lists = new LegacyTestClient(ports.list())) {
            images.sendChunked(TestImages.smallJpeg(1));
            assertThat(images.reply()).isEqualTo("get message!!!");

            // the recording's commit thread, which every durable save waits for (images
            // and lists)
            List<Thread> writers = Thread.getAllStackTraces()
                .keySet()
                .stream()
                .filter(thread -> thread.getName().equals("recording-commit " + dir.resolve("recording")))
                .toList();
            assertThat(writers).hasSize(1);
            long killed = System.nanoTime();
            for (Thread writer : writers) {
                writer.stop();
                writer.join(2000);
                assertThat(writer.isAlive()).isFalse();
            }

            images.sendChunked(TestImages.smallJpeg(2));
            assertThat(images.reply(Duration.ofSeconds(2))).isEqualTo("error: store unavailable");
            lists.send("[1]");
            assertThat(lists.reply(Duration.ofSeconds(2))).isEqualTo("error: store unavailable");
            await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(http.get("/actuator/health").status()).isEqualTo(503));
            assertThat(http.get("/actuator/health").json().at("/components/store/status").asString()).isEqualTo("DOWN");
            assertThat(http.get("/actuator/health").json().at("/components/store/details/reason").asString())
                .containsAnyOf("store writer stopped", "commit thread stopped");
            assertThat((System.nanoTime() - killed) / 1_000_000).as("ms from the kill to all of that").isLessThan(2000);
            assertThat(http.get("/received/images").json()).hasSize(1);
        }
    }

}
