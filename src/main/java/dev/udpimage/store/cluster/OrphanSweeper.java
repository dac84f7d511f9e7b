package dev.udpimage.store.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Deletes objects that no committed row names, once they are older than
 * {@code udp.store.sweep-grace}: a segment whose sealing transaction never committed (the
 * instance died between the PUT and the commit), an object whose row retention deleted
 * but whose own delete failed, and images from before the recording whose rows are gone.
 * Any instance may sweep; the grace keeps it off objects whose row is about to commit.
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

    /** What the scheduler runs every {@code udp.store.sweep-interval}. */
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
        return sweep("images/", "image") + sweep("segments/", "segment");
    }

    private int sweep(String prefix, String table) {
        List<String> old = this.objects.keysOlderThan(prefix, Instant.now().minus(this.grace));
        if (old.isEmpty()) {
            return 0;
        }
        Set<String> named = new HashSet<>(
                this.jdbc.sql("select object_key from " + table + " where object_key = any(?)")
                    .param(old.toArray(String[]::new))
                    .query(String.class)
                    .list());
        List<String> orphans = old.stream().filter(key -> !named.contains(key)).toList();
        if (!orphans.isEmpty()) {
            this.objects.delete(orphans);
            log.info("Deleted {} objects under {} that no committed {} names", orphans.size(), prefix, table);
        }
        return orphans.size();
    }

}
