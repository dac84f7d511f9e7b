package dev.udpimage.events.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.udpimage.disk.AtomicFiles;
import dev.udpimage.disk.DiskHealth;
import dev.udpimage.events.Event;
import dev.udpimage.events.EventQuery;
import dev.udpimage.events.EventStore;
import dev.udpimage.events.Snapshot;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.motion.MotionEvent;
import dev.udpimage.recording.CameraDirectories;
import dev.udpimage.recording.format.IndexTimes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events on one machine, beside each camera's segments: <pre>
 * recording/192.168.1.20/events/42.json   the event (rewritten whole at each change)
 * recording/192.168.1.20/events/42.jpeg   its snapshot, the peak frame exactly as received
 * </pre> Each file is written whole or not at all ({@link AtomicFiles}), fsync'd when
 * replies wait for the disk ({@code sync}), so an event survives a restart and a SIGKILL
 * as the recording does; at start every camera's events are read back (a file that does
 * not parse is skipped and counted), and an event left open by a crash is ended at its
 * last known peak. In memory: every kept event (at most {@link #MAX_EVENTS}, the oldest
 * forgotten and deleted past it), a few hundred bytes each.
 */
public class FileEventStore implements EventStore {

    private static final Logger log = LoggerFactory.getLogger(FileEventStore.class);

    private static final RateLimitedLog failureLog = new RateLimitedLog(log, 1);

    /** Most events kept, all cameras together. */
    public static final int MAX_EVENTS = 10_000;

    static final String EVENTS = "events";

    private final Path root;

    private final JsonMapper json;

    private final boolean force;

    private final DiskHealth health;

    private final ConcurrentSkipListMap<Long, Event> events = new ConcurrentSkipListMap<>();

    /** Each event's snapshot format, to find its file. */
    private final Map<Long, String> formats = new ConcurrentHashMap<>();

    private final AtomicLong lastId = new AtomicLong();

    private final Counter skipped;

    /** Without a directory: the snapshots of the newest events kept, in memory. */
    static final int MEMORY_SNAPSHOTS = 100;

    /** Memory only: the newest events' snapshots. Guarded by itself. */
    private final java.util.LinkedHashMap<Long, Snapshot> inMemory = new java.util.LinkedHashMap<>();

    /**
     * @param root the recording's directory ({@code udp.store.dir/recording}); null: in
     * memory only (no {@code udp.store.dir})
     * @param force fsync each file before the call returns
     */
    public FileEventStore(Path root, JsonMapper json, boolean force, DiskHealth health, MeterRegistry registry) {
        this.root = root;
        this.json = json;
        this.force = force;
        this.health = health;
        this.skipped = Counter.builder("udp.events.skipped.files")
            .description("Event files that did not parse at start-up")
            .register(registry);
        load();
    }

    /** A stored event: the event and its snapshot's format. */
    record Stored(Event event, String snapshotFormat) {
    }

    private void load() {
        if (this.root == null) {
            return;
        }
        try {
            Files.createDirectories(this.root);
            try (Stream<Path> cameras = Files.list(this.root)) {
                for (Path dir : cameras.map(camera -> camera.resolve(EVENTS)).filter(Files::isDirectory).toList()) {
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                            loadOne(file);
                        }
                    }
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read the events in " + this.root, ex);
        }
        this.events.values().stream().mapToLong(Event::id).max().ifPresent(this.lastId::set);
        // an event a crash left open ends at its peak: nothing after it is known
        for (Event open : this.events.values().stream().filter(event -> !event.ended()).toList()) {
            Event ended = new Event(open.id(), open.camera(), open.start(), open.peakAt(), open.zones(), open.score(),
                    open.peakAt(), open.box());
            write(ended, null);
        }
        log.info("Events: {} found in {}", this.events.size(), this.root);
    }

    private void loadOne(Path file) {
        try {
            Stored stored = this.json.readValue(file.toFile(), Stored.class);
            this.events.put(stored.event().id(), stored.event());
            this.formats.put(stored.event().id(), stored.snapshotFormat());
        }
        catch (RuntimeException ex) {
            this.skipped.increment();
            log.warn("Skipped {} at start-up: {}", file, ex.getMessage());
        }
    }

    @Override
    public Event open(String camera, MotionEvent motion, Snapshot snapshot) {
        Event event = event(this.lastId.incrementAndGet(), camera, motion);
        write(event, snapshot);
        return event;
    }

    @Override
    public Event update(long id, MotionEvent motion, Snapshot snapshot) {
        Event known = this.events.get(id);
        if (known == null) {
            throw new IllegalArgumentException("no event " + id);
        }
        Event event = event(id, known.camera(), motion);
        write(event, snapshot);
        return event;
    }

    @Override
    public Event end(long id, MotionEvent motion, Snapshot snapshot) {
        return update(id, motion, snapshot);
    }

    private static Event event(long id, String camera, MotionEvent motion) {
        return new Event(id, camera, IndexTimes.instant(motion.startMicros()),
                motion.endMicros() == null ? null : IndexTimes.instant(motion.endMicros()), motion.zones(),
                motion.peakScore(), IndexTimes.instant(motion.peakMicros()), motion.peakBox());
    }

    /**
     * Writes the snapshot (if new) and then the event; the event is visible to readers
     * once written. A disk that refuses is logged and makes the store's health DOWN; the
     * event is kept in memory all the same.
     */
    private void write(Event event, Snapshot snapshot) {
        if (this.root == null) {
            keepInMemory(event, snapshot);
            return;
        }
        Path dir = this.root.resolve(CameraDirectories.nameOf(event.camera())).resolve(EVENTS);
        String format = snapshot != null ? snapshot.format() : this.formats.getOrDefault(event.id(), "jpeg");
        try {
            Files.createDirectories(dir);
            if (snapshot != null) {
                AtomicFiles.write(dir.resolve(event.id() + "." + safe(format)), snapshot.bytes(), this.force);
            }
            AtomicFiles.write(dir.resolve(event.id() + ".json"), this.json.writeValueAsBytes(new Stored(event, format)),
                    this.force);
            if (this.force) {
                AtomicFiles.forceDirectory(dir);
            }
        }
        catch (IOException ex) {
            this.health.failed(ex);
            failureLog.error("Could not write event {}: {}", event.id(), ex.toString());
        }
        this.formats.put(event.id(), format);
        this.events.put(event.id(), event);
        while (this.events.size() > MAX_EVENTS) {
            forget(this.events.firstEntry().getValue());
        }
    }

    private void keepInMemory(Event event, Snapshot snapshot) {
        if (snapshot != null) {
            synchronized (this.inMemory) {
                this.inMemory.put(event.id(), snapshot);
                while (this.inMemory.size() > MEMORY_SNAPSHOTS) {
                    this.inMemory.remove(this.inMemory.keySet().iterator().next());
                }
            }
            this.formats.put(event.id(), snapshot.format());
        }
        this.events.put(event.id(), event);
        while (this.events.size() > MAX_EVENTS) {
            this.events.pollFirstEntry();
        }
    }

    private static String safe(String format) {
        return format.replaceAll("[^a-z0-9]", "");
    }

    @Override
    public Optional<Event> get(long id) {
        return Optional.ofNullable(this.events.get(id));
    }

    @Override
    public List<Event> find(EventQuery query) {
        Comparator<Event> order = Comparator.comparing(Event::start).thenComparingLong(Event::id);
        if (query.newestFirst()) {
            order = order.reversed();
        }
        Event after = query.after() == null ? null : this.events.get(query.after());
        List<Event> found = new ArrayList<>();
        Comparator<Event> inOrder = order;
        this.events.values()
            .stream()
            .filter(event -> query.camera() == null || event.camera().equals(query.camera()))
            .filter(event -> query.from() == null || !event.start().isBefore(query.from()))
            .filter(event -> query.to() == null || event.start().isBefore(query.to()))
            .filter(event -> query.zone() == null || event.zones().contains(query.zone()))
            .filter(event -> after == null || inOrder.compare(event, after) > 0)
            .sorted(order)
            .limit(query.limit())
            .forEach(found::add);
        return found;
    }

    @Override
    public Optional<Snapshot> snapshot(long id) {
        if (this.root == null) {
            synchronized (this.inMemory) {
                return Optional.ofNullable(this.inMemory.get(id));
            }
        }
        Event event = this.events.get(id);
        String format = this.formats.get(id);
        if (event == null || format == null) {
            return Optional.empty();
        }
        Path file = this.root.resolve(CameraDirectories.nameOf(event.camera()))
            .resolve(EVENTS)
            .resolve(id + "." + safe(format));
        try {
            return Optional.of(new Snapshot(Files.readAllBytes(file), format));
        }
        catch (NoSuchFileException ex) {
            return Optional.empty();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public List<Event> endedOrOpenSince(Instant since) {
        return this.events.values().stream().filter(event -> !event.ended() || !event.end().isBefore(since)).toList();
    }

    /**
     * Deletes the events that ended before their camera's cut-off (files and memory).
     * @return how many
     */
    public int deleteEndedBefore(java.util.function.Function<String, Instant> cutoff) {
        List<Event> old = this.events.values()
            .stream()
            .filter(event -> event.ended() && event.end().isBefore(cutoff.apply(event.camera())))
            .toList();
        old.forEach(this::forget);
        return old.size();
    }

    private void forget(Event event) {
        this.events.remove(event.id());
        if (this.root == null) {
            synchronized (this.inMemory) {
                this.inMemory.remove(event.id());
            }
            return;
        }
        String format = this.formats.remove(event.id());
        Path dir = this.root.resolve(CameraDirectories.nameOf(event.camera())).resolve(EVENTS);
        try {
            Files.deleteIfExists(dir.resolve(event.id() + ".json"));
            if (format != null) {
                Files.deleteIfExists(dir.resolve(event.id() + "." + safe(format)));
            }
        }
        catch (IOException ex) {
            failureLog.error("Could not delete event {}: {}", event.id(), ex.toString());
        }
    }

}
