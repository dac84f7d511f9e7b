package dev.udpimage.store.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.support.Commands;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.LocalClusterStore;
import dev.udpimage.support.LocalPostgres;
import dev.udpimage.support.LocalS3;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;

/**
 * A slow store never stalls the port: with one store worker that may queue one item, and
 * PostgreSQL's image table locked by another session (each insert waits), the port keeps
 * answering at once with {@code error: store busy} (counted) for what the worker cannot
 * take, and what it took is acknowledged, stored, once the lock goes. A hung object
 * storage costs the senders nothing at all: saves do not touch it (PostgreSQL holds a
 * frame's bytes until its segment is sealed), while {@code /actuator/health} shows it
 * DOWN, and UP again after.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("cluster")
class ClusterStoreBusyIT extends ServiceTestSupport {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry registry;

    @BeforeAll
    static void requireServers() {
        Commands.require(LocalPostgres.available(), "no PostgreSQL server (apt-get install postgresql); CI has one");
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        LocalClusterStore.register(registry, Map.of("udp.store.workers", "1", "udp.store.worker-queue", "1"));
    }

    @Test
    void aHungDatabaseGetsStoreBusyAtOnceAndWhatWasTakenIsStoredWhenItReturns() throws Exception {
        long before = this.jdbc.sql("select count(*) from image").query(Long.class).single();
        double busyBefore = busy();
        List<LegacyTestClient> clients = new ArrayList<>();
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (Connection connection = this.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("lock table image in access exclusive mode");
                }
                locked.countDown();
                release.await(8, TimeUnit.SECONDS);
                connection.commit();
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        holder.start();
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            for (int i = 0; i < 4; i++) {
                LegacyTestClient client = new LegacyTestClient(this.ports.image());
                clients.add(client);
                // whole images: one datagram each
                client.send(TestImages.smallJpeg(950 + i));
            }
            // the first goes to the worker (waiting on the lock), the next may wait in
            // its queue
            List<LegacyTestClient> waiting = new ArrayList<>(List.of(clients.get(0)));
            int refusedAtOnce = 0;
            for (LegacyTestClient client : clients.subList(1, clients.size())) {
                String reply = client.reply(Duration.ofMillis(500));
                if (reply == null) {
                    waiting.add(client);
                }
                else {
                    assertThat(reply).isEqualTo("error: store busy");
                    refusedAtOnce++;
                }
            }
            assertThat(refusedAtOnce).as("the worker holds one and queues one: the rest are refused at once")
                .isBetween(2, 3);
            release.countDown();
            holder.join(10_000);
            int stored = 0;
            for (LegacyTestClient client : waiting) {
                assertThat(client.reply(Duration.ofSeconds(30))).isEqualTo("get message!!!");
                stored++;
            }
            assertThat(stored + refusedAtOnce).isEqualTo(4);
            assertThat(this.jdbc.sql("select count(*) from image").query(Long.class).single())
                .isEqualTo(before + stored);
            assertThat(busy() - busyBefore).isEqualTo(refusedAtOnce);
        }
        finally {
            release.countDown();
            clients.forEach(LegacyTestClient::close);
        }
    }

    @Test
    void aHungObjectStoreCostsTheSendersNothing() throws Exception {
        LocalS3 s3 = LocalS3.get();
        s3.pause();
        try {
            for (int i = 0; i < 5; i++) {
                try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
                    client.sendChunked(TestImages.smallJpeg(960 + i));
                    assertThat(client.reply(Duration.ofSeconds(2))).as("answered while the object storage hangs")
                        .isEqualTo("get message!!!");
                }
            }
            Http.Response hung = http().get("/actuator/health");
            assertThat(hung.status()).as("health while the object storage hangs").isEqualTo(503);
            assertThat(hung.json().at("/components/objectStore/status").asString()).isEqualTo("DOWN");
            assertThat(hung.json().at("/components/objectStore/details/reason").asString()).isNotBlank();
            assertThat(hung.json().at("/components/db/status").asString()).isEqualTo("UP");
        }
        finally {
            s3.resume();
        }
        Http.Response back = http().get("/actuator/health");
        assertThat(back.status()).as("health once it answers again").isEqualTo(200);
        assertThat(back.json().at("/components/objectStore/status").asString()).isEqualTo("UP");
    }

    private double busy() {
        Counter counter = this.registry.find("udp.transfers.failed")
            .tag("port", "image")
            .tag("reason", "store-busy")
            .counter();
        return counter == null ? 0 : counter.count();
    }

}
