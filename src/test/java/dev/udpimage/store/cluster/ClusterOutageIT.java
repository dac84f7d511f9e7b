package dev.udpimage.store.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.udpimage.support.Commands;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.LocalClusterStore;
import dev.udpimage.support.LocalPostgres;
import dev.udpimage.support.LocalS3;
import dev.udpimage.support.ServiceTestSupport;
import dev.udpimage.support.TestImages;

/**
 * The cluster store's engines fail under traffic: PostgreSQL restarted as a crash would
 * ({@code pg_ctl restart -m immediate}), then the object storage hung (SIGSTOP) for
 * longer than a call may take. While PostgreSQL is down, saves fail and are answered with
 * an error (never a hang); while the object storage hangs, saves are acknowledged as ever
 * (PostgreSQL holds their bytes) and only sealing waits; afterwards the service recovers
 * by itself, every image that was acknowledged is in the store, and every one is sealed
 * into a segment.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("cluster")
class ClusterOutageIT extends ServiceTestSupport {

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void requireServers() {
        Commands.require(LocalPostgres.available(), "no PostgreSQL server (apt-get install postgresql); CI has one");
    }

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws Exception {
        LocalClusterStore.register(registry, Map.of("udp.store.history", "100000", "udp.store.max-bytes", "1GB",
                "udp.recording.segment-duration", "1s"));
    }

    @Test
    void acknowledgedImagesSurviveADatabaseCrashAndAHungObjectStore() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger sequence = new AtomicInteger();
        byte[] base = TestImages.smallJpeg(4242);
        List<Thread> senders = new java.util.ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Thread sender = new Thread(() -> {
                try (LegacyTestClient client = new LegacyTestClient(this.ports.image())) {
                    while (sending.get()) {
                        byte[] image = TestImages.withComment(base, "outage " + sequence.incrementAndGet());
                        client.send(image); // whole: one datagram
                        String reply = client.reply(Duration.ofSeconds(20));
                        if ("get message!!!".equals(reply)) {
                            acknowledged.add(TestImages.sha256(image));
                        }
                        else if (reply == null) {
                            unanswered.incrementAndGet();
                        }
                        else {
                            errors.incrementAndGet();
                            Thread.sleep(50);
                        }
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            sender.start();
            senders.add(sender);
        }
        try {
            awaitMore(acknowledged, 50);
            LocalPostgres.get().restartImmediately();
            int afterDatabase = acknowledged.size();
            awaitMore(acknowledged, afterDatabase + 50); // recovered by itself
            int errorsBeforeS3 = errors.get();
            LocalS3 s3 = LocalS3.get();
            s3.pause();
            int beforeS3 = acknowledged.size();
            try {
                Thread.sleep(12_000); // longer than a call may take
                                      // (udp.store.s3.call-timeout)
            }
            finally {
                s3.resume();
            }
            assertThat(errors.get()).as("no save refused while the object store hung").isEqualTo(errorsBeforeS3);
            assertThat(acknowledged.size() - beforeS3).as("saves acknowledged while it hung").isGreaterThan(50);
            int afterS3 = acknowledged.size();
            awaitMore(acknowledged, afterS3 + 50);
            System.out.printf("cluster outages: %d images acknowledged, %d refused, %d unanswered%n",
                    acknowledged.size(), errors.get(), unanswered.get());
        }
        finally {
            sending.set(false);
            for (Thread sender : senders) {
                sender.join(30_000);
            }
        }
        Set<String> stored = new HashSet<>();
        this.jdbc.sql("select sha256 from image")
            .query((row, n) -> HexFormat.of().formatHex(row.getBytes(1)))
            .list()
            .forEach(stored::add);
        assertThat(stored).as("every acknowledged image is in the store").containsAll(acknowledged);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long held;
        while ((held = this.jdbc.sql("select count(*) from image where data is not null and segment_id is null")
            .query(Long.class)
            .single()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(held).as("every image sealed into a segment once the object storage is back").isZero();
        assertThat(this.jdbc.sql("select count(*) from image i join segment s on s.id = i.segment_id")
            .query(Long.class)
            .single()).isEqualTo(stored.size());
        assertThat(unanswered.get()).as("no save hung past 20 s").isZero();
    }

    private static void awaitMore(Set<String> acknowledged, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acknowledged.size() < count) {
            assertThat(System.nanoTime()).as("%d acknowledged within 60 s (now %d)", count, acknowledged.size())
                .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

}
