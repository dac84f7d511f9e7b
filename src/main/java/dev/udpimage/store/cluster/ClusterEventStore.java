package dev.udpimage.store.cluster;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.udpimage.events.Event;
import dev.udpimage.events.EventQuery;
import dev.udpimage.events.EventStore;
import dev.udpimage.events.Snapshot;
import dev.udpimage.motion.Box;
import dev.udpimage.motion.MotionEvent;
import dev.udpimage.recording.RecordingProperties;
import dev.udpimage.recording.format.IndexTimes;

/**
 * The cluster's events, in PostgreSQL, seen from every instance alike. One open event per
 * camera cluster-wide (a partial unique index): an instance opening a camera's event
 * while another instance's is open joins it, so a camera whose frames moved to another
 * receiver mid-motion has one event. An event's snapshot is its row's, exactly as
 * received.
 */
class ClusterEventStore implements EventStore {

    private static final String COLUMNS = "id, camera, started_at, ended_at, zones, score, peak_at, box_left, "
            + "box_top, box_right, box_bottom";

    private final JdbcClient jdbc;

    private final String instance;

    ClusterEventStore(JdbcClient jdbc, String instance) {
        this.jdbc = jdbc;
        this.instance = instance;
    }

    @Override
    public Event open(String camera, MotionEvent motion, Snapshot snapshot) {
        long id = this.jdbc.sql("""
                insert into event (camera, started_at, zones, score, peak_at, box_left, box_top, box_right, box_bottom,
                                   snapshot, snapshot_format, instance)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (camera) where ended_at is null do update set updated_at = now()
                returning id""")
            .params(camera, utc(motion.startMicros()), motion.zones().toArray(String[]::new), motion.peakScore(),
                    utc(motion.peakMicros()), motion.peakBox().left(), motion.peakBox().top(), motion.peakBox().right(),
                    motion.peakBox().bottom(), snapshot == null ? null : snapshot.bytes(),
                    snapshot == null ? null : snapshot.format(), this.instance)
            .query(Long.class)
            .single();
        return get(id).orElseThrow();
    }

    @Override
    public Event update(long id, MotionEvent motion, Snapshot snapshot) {
        change(id, motion, snapshot, false);
        return get(id).orElseThrow(() -> new IllegalArgumentException("no event " + id));
    }

    @Override
    public Event end(long id, MotionEvent motion, Snapshot snapshot) {
        change(id, motion, snapshot, true);
        return get(id).orElseThrow(() -> new IllegalArgumentException("no event " + id));
    }

    /** What this instance saw of an event; the peak only grows, zones only add. */
    private void change(long id, MotionEvent motion, Snapshot snapshot, boolean end) {
        this.jdbc.sql("""
                update event set
                    zones = array(select distinct unnest(zones || ?::text[])),
                    ended_at = case when ? then ? else ended_at end,
                    score = greatest(score, ?),
                    peak_at = case when ? >= score then ? else peak_at end,
                    box_left = case when ? >= score then ? else box_left end,
                    box_top = case when ? >= score then ? else box_top end,
                    box_right = case when ? >= score then ? else box_right end,
                    box_bottom = case when ? >= score then ? else box_bottom end,
                    snapshot = case when ? >= score and ?::bytea is not null then ? else snapshot end,
                    snapshot_format = case when ? >= score and ?::text is not null then ? else snapshot_format end,
                    updated_at = now()
                where id = ? and ended_at is null""")
            .params(motion.zones().toArray(String[]::new), end,
                    motion.endMicros() == null ? null : utc(motion.endMicros()), motion.peakScore(), motion.peakScore(),
                    utc(motion.peakMicros()), motion.peakScore(), motion.peakBox().left(), motion.peakScore(),
                    motion.peakBox().top(), motion.peakScore(), motion.peakBox().right(), motion.peakScore(),
                    motion.peakBox().bottom(), motion.peakScore(), snapshot == null ? null : snapshot.bytes(),
                    snapshot == null ? null : snapshot.bytes(), motion.peakScore(),
                    snapshot == null ? null : snapshot.format(), snapshot == null ? null : snapshot.format(), id)
            .update();
    }

    @Override
    public Optional<Event> get(long id) {
        return this.jdbc.sql("select " + COLUMNS + " from event where id = ?")
            .param(id)
            .query(ClusterEventStore::event)
            .optional();
    }

    @Override
    public List<Event> find(EventQuery query) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from event e where true");
        List<Object> params = new ArrayList<>();
        if (query.camera() != null) {
            sql.append(" and camera = ?");
            params.add(query.camera());
        }
        if (query.from() != null) {
            sql.append(" and started_at >= ?");
            params.add(utc(query.from()));
        }
        if (query.to() != null) {
            sql.append(" and started_at < ?");
            params.add(utc(query.to()));
        }
        if (query.zone() != null) {
            sql.append(" and ? = any(zones)");
            params.add(query.zone());
        }
        String direction = query.newestFirst() ? "desc" : "asc";
        if (query.after() != null) {
            sql.append(" and (started_at, id) ")
                .append(query.newestFirst() ? "<" : ">")
                .append(" (select started_at, id from event where id = ?)");
            params.add(query.after());
        }
        sql.append(" order by started_at ").append(direction).append(", id ").append(direction).append(" limit ?");
        params.add(query.limit());
        return this.jdbc.sql(sql.toString()).params(params).query(ClusterEventStore::event).list();
    }

    @Override
    public Optional<Snapshot> snapshot(long id) {
        return this.jdbc.sql("select snapshot, snapshot_format from event where id = ? and snapshot is not null")
            .param(id)
            .query((rs, row) -> new Snapshot(rs.getBytes(1), rs.getString(2)))
            .optional();
    }

    @Override
    public List<Event> endedOrOpenSince(Instant since) {
        return this.jdbc.sql("select " + COLUMNS + " from event where ended_at is null or ended_at >= ?")
            .param(utc(since))
            .query(ClusterEventStore::event)
            .list();
    }

    @Override
    public boolean presence(String camera, boolean online) {
        return this.jdbc.sql("""
                insert into camera_presence (camera, online) values (?, ?)
                on conflict (camera) do update set online = excluded.online, changed_at = now()
                where camera_presence.online <> excluded.online
                returning camera""").params(camera, online).query(String.class).optional().isPresent();
    }

    /**
     * Deletes the events past their camera's events retention.
     * @return how many
     */
    int deleteEnded(Instant now, RecordingProperties settings) {
        List<String> own = settings.cameras()
            .entrySet()
            .stream()
            .filter(camera -> camera.getValue().eventsRetention() != null)
            .map(java.util.Map.Entry::getKey)
            .toList();
        int deleted = this.jdbc.sql("delete from event where ended_at < ? and camera <> all(?)")
            .params(utc(now.minus(settings.eventsRetention())), own.toArray(String[]::new))
            .update();
        for (String camera : own) {
            deleted += this.jdbc.sql("delete from event where camera = ? and ended_at < ?")
                .params(camera, utc(now.minus(settings.eventsRetentionOf(camera))))
                .update();
        }
        return deleted;
    }

    private static Event event(ResultSet rs, int row) throws SQLException {
        Array zones = rs.getArray("zones");
        OffsetDateTime ended = rs.getObject("ended_at", OffsetDateTime.class);
        return new Event(rs.getLong("id"), rs.getString("camera"),
                rs.getObject("started_at", OffsetDateTime.class).toInstant(), ended == null ? null : ended.toInstant(),
                List.of((String[]) zones.getArray()), rs.getDouble("score"),
                rs.getObject("peak_at", OffsetDateTime.class).toInstant(), new Box(rs.getDouble("box_left"),
                        rs.getDouble("box_top"), rs.getDouble("box_right"), rs.getDouble("box_bottom")));
    }

    private static OffsetDateTime utc(long micros) {
        return utc(IndexTimes.instant(micros));
    }

    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

}
