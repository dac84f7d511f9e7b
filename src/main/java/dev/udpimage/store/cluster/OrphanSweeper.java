package dev.udpimage.store.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Deletes image objects that no committed row names, once they are older than
 * {@code udp.store.sweep-grace}: the object of a save whose row never committed (the
 * instance died between the PUT and the commit), or of an evicted row whose delete
 * failed. Any instance may sweep; the grace keeps it off objects whose row is about to
 * commit.
 */
class OrphanSweeper {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);

    private final ObjectStore objects;

    private final JdbcClient jdbc;

    private final Duration grace;

    OrphanSweeper(ObjectStore objects, JdbcClient jdbc, Duration grace) {
        this.objects = objects;
        this.jdbc = jdbc;
        this.grace = grace;
    }

    @Scheduled(initialDelayString = "${udp.store.sweep-interval:5m}",
            fixedDelayString = "${udp.store.sweep-interval:5m}")
    void sweepOnSchedule() {
        try {
            sweep();
        }
        catch (RuntimeException ex) {
            log.warn("Sweeping orphaned objects failed: {}", ex.toString());
        }
    }

    /**
     * @return how many objects were deleted
     */
    int sweep() {
        List<String> old = this.objects.keysOlderThan("images/", Instant.now().minus(this.grace));
        if (old.isEmpty()) {
            return 0;
        }
        List<String> named = this.jdbc.sql("select object_key from image where object_key = any(?)")
            .param(old.toArray(String[]::new))
            .query(String.class)
            .list();
        List<String> orphans = old.stream().filter(key -> !named.contains(key)).toList();
        if (!orphans.isEmpty()) {
            this.objects.delete(orphans);
            log.info("Deleted {} objects that no committed image names", orphans.size());
        }
        return orphans.size();
    }

}
