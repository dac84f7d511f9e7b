package dev.udpimage.store.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.StoreListener;

/**
 * What the other instances stored, told to this instance's {@link StoreListener}s (the
 * viewer's events), within a second or two. PostgreSQL's LISTEN/NOTIFY is only the
 * doorbell: an instance that stored something rings it at most once every
 * {@value #RING_MILLIS} ms ({@link #stored}), never once per row; every instance then
 * reads what is new by cursor (ids above the last it saw), and reads anyway every
 * {@value #POLL_MILLIS} ms, so that a lost notification, or a LISTEN connection killed
 * and opened again, only delays. Its own items it has told its listeners already.
 */
class ClusterEvents implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ClusterEvents.class);

    static final String CHANNEL = "udp_store";

    static final int RING_MILLIS = 50;

    static final int POLL_MILLIS = 1000;

    private final DataSource dataSource;

    private final JdbcClient jdbc;

    private final ClusterStore store;

    private final List<StoreListener> listeners;

    private final String instance;

    private final AtomicBoolean unrung = new AtomicBoolean();

    private final Thread listener;

    private final Thread ringer;

    private volatile boolean running = true;

    /**
     * How far below the highest id seen the cursor reads again (commits out of id order).
     */
    static final int WINDOW = 1024;

    private long lastImageId;

    private long lastListId;

    private final Set<Long> seenImages = recentIds();

    private final Set<Long> seenLists = recentIds();

    ClusterEvents(DataSource dataSource, JdbcClient jdbc, ClusterStore store, List<StoreListener> listeners,
            String instance) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.store = store;
        this.listeners = listeners;
        this.instance = instance;
        // what is there at start is not news
        this.store.imagesAfter(0).forEach(image -> {
            this.seenImages.add(image.item().id());
            this.lastImageId = Math.max(this.lastImageId, image.item().id());
        });
        this.store.listsAfter(0).forEach(list -> {
            this.seenLists.add(list.item().id());
            this.lastListId = Math.max(this.lastListId, list.item().id());
        });
        store.ringAfterSave(this::stored);
        this.listener = new Thread(this::listen, "cluster-events");
        this.listener.setDaemon(true);
        this.ringer = new Thread(this::ring, "cluster-doorbell");
        this.ringer.setDaemon(true);
        this.listener.start();
        this.ringer.start();
    }

    /** Something was stored here: ring the doorbell soon (once for however many). */
    void stored() {
        this.unrung.set(true);
    }

    private void ring() {
        while (this.running) {
            try {
                Thread.sleep(RING_MILLIS);
                if (this.unrung.getAndSet(false)) {
                    this.jdbc.sql("select pg_notify('" + CHANNEL + "', '')").query(Object.class).optional();
                }
            }
            catch (InterruptedException ex) {
                return;
            }
            catch (RuntimeException ex) {
                log.debug("Could not ring the doorbell: {}", ex.toString());
            }
        }
    }

    /** Listens on a connection of its own; opens another when it is lost. */
    private void listen() {
        while (this.running) {
            try (Connection connection = this.dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                readNew(); // whatever came while not listening
                while (this.running) {
                    PGNotification[] rung = notifications.getNotifications(POLL_MILLIS);
                    if (connection.isClosed()) {
                        break;
                    }
                    readNew(); // rung or not: a lost notification only delays
                    if (rung == null) {
                        checkAlive(connection);
                    }
                }
            }
            catch (SQLException | RuntimeException ex) {
                if (this.running) {
                    log.warn("Lost the cluster events' LISTEN connection ({}); listening again", ex.toString());
                    sleep(Duration.ofMillis(200));
                }
            }
        }
    }

    /** A connection killed on the server side says so only when used. */
    private static void checkAlive(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("select 1");
        }
    }

    /**
     * Rows from other instances not told yet. Ids are handed out in one order but
     * committed in another, so the cursor reads a window below the highest id seen and
     * skips the ids it has told already.
     */
    private synchronized void readNew() {
        for (ClusterStore.Stored<ImageMetadata> image : this.store.imagesAfter(this.lastImageId - WINDOW)) {
            if (this.seenImages.add(image.item().id()) && !image.instance().equals(this.instance)) {
                this.listeners.forEach(listener -> listener.imageStored(image.item()));
            }
            this.lastImageId = Math.max(this.lastImageId, image.item().id());
        }
        for (ClusterStore.Stored<ReceivedList> list : this.store.listsAfter(this.lastListId - WINDOW)) {
            if (this.seenLists.add(list.item().id()) && !list.instance().equals(this.instance)) {
                this.listeners.forEach(listener -> listener.listStored(list.item()));
            }
            this.lastListId = Math.max(this.lastListId, list.item().id());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<Long> recentIds() {
        return Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > 4 * WINDOW;
            }
        });
    }

    @Override
    public void destroy() throws InterruptedException {
        this.running = false;
        this.ringer.interrupt();
        this.listener.interrupt();
        this.listener.join(2000);
    }

}
