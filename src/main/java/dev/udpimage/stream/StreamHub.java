package dev.udpimage.stream;

import java.util.function.Predicate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.udpimage.decode.JpegEncoder;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedStore;
import dev.udpimage.store.StoreListener;

/**
 * Every sender of images is a stream: frames grouped by the sender's address
 * ({@code udp.streams.key=ip}, the default, since the Python clients take a new port each
 * run) or address and port ({@code ip-port}). The hub keeps each stream's newest frame
 * and its rates; each viewer takes the newest frame it has not taken whenever it is
 * ready, and a frame replaced before a viewer took it is skipped for that viewer
 * (counted, {@code udp.streams.frames.skipped}). The receive thread only swaps a
 * reference, counts and wakes the waiting viewers: nothing a viewer does slows a port.
 *
 * <p>
 * Bounded whatever the number of senders: at most {@code udp.streams.max-streams}
 * streams, whose newest frames hold at most {@code udp.streams.max-bytes}; past either, a
 * stream is forgotten (counted, {@code udp.streams.evicted}), in constant time per frame:
 * the least recently seen of the senders seen once, else of the others
 * ({@link StreamTable}). At most {@code udp.viewers.max-mjpeg} viewers at once.
 */
@Component
public class StreamHub implements StoreListener {

    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);

    /** The stream of every sender together. */
    public static final String ALL = "";

    /**
     * A stream silent this long is shown as stopped (and after offline-after, offline).
     */
    static final Duration STOPPED_AFTER = Duration.ofSeconds(5);

    private final StreamsProperties settings;

    private final int maxStreams;

    private final long maxBytes;

    private final int maxViewers;

    /** Encodes frames of other formats to JPEG, within the pixel decoder's bounds. */
    private final JpegEncoder encoder;

    /**
     * Where the bytes of another instance's frames are read (lazily: it tells this hub).
     */
    private final ObjectProvider<ReceivedStore> store;

    private final Counter skipped;

    private final Counter evicted;

    /** Every sender's stream (see {@link StreamTable}: who goes first when full). */
    private final StreamTable<StreamState> streams;

    /** The stream of every sender together; never evicted. */
    private final StreamState all = new StreamState(ALL);

    /** The bytes of the streams' newest frames, together. */
    private long heldBytes;

    private boolean closed;

    private final List<Viewer> viewers = new ArrayList<>();

    public StreamHub(StreamsProperties settings, ViewersProperties viewers, ObjectProvider<ReceivedStore> store,
            JpegEncoder encoder, MeterRegistry registry) {
        this.store = store;
        this.encoder = encoder;
        this.settings = settings;
        this.maxStreams = settings.maxStreams();
        this.streams = new StreamTable<>(this.maxStreams);
        this.maxBytes = settings.maxBytes().toBytes();
        this.maxViewers = viewers.maxMjpeg();
        this.skipped = Counter.builder("udp.streams.frames.skipped")
            .description("Frames a stream viewer skipped because it read slower than they came")
            .register(registry);
        this.evicted = Counter.builder("udp.streams.evicted")
            .description("Streams forgotten to stay within udp.streams.max-streams or max-bytes, "
                    + "least recently seen first")
            .register(registry);
        Gauge.builder("udp.streams", this, StreamHub::size)
            .description("Streams (senders) the hub keeps")
            .register(registry);
        Gauge.builder("udp.viewers", this, StreamHub::viewers)
            .description("Viewers open: MJPEG streams, or pages on the live events")
            .tag("kind", "mjpeg")
            .register(registry);
        Gauge.builder("udp.streams.bytes", this, hub -> hub.heldBytes())
            .description("Bytes of the streams' newest frames, together")
            .register(registry);
    }

    /** Refused: as many MJPEG viewers as udp.viewers.max-mjpeg are open. */
    public static final class TooManyViewersException extends RuntimeException {

        TooManyViewersException(int max) {
            super("all " + max + " MJPEG viewers (udp.viewers.max-mjpeg) are taken; try again later", null, false,
                    false);
        }

    }

    synchronized int size() {
        return this.streams.size();
    }

    synchronized long heldBytes() {
        return this.heldBytes;
    }

    /**
     * What {@code GET /received/streams} shows of one stream.
     *
     * @param active whether it sent a frame within the last 5 s (and is online)
     * @param online whether it sent a frame within {@code udp.streams.offline-after}
     */
    public record StreamInfo(String sender, long frames, double fps, double bytesPerSecond, Instant lastFrameAt,
            int width, int height, String format, boolean active, boolean online) {
    }

    @Override
    public void imageStored(ReceivedImage image) {
        add(new Frame(image.metadata(), image.original(), this.encoder::toJpeg));
    }

    /**
     * An image another instance received (the cluster store tells only those this way):
     * its bytes are read from the store when a viewer first takes it, so a camera sending
     * to one instance plays on all of them, and frames nobody watches cost nothing.
     */
    @Override
    public void imageStored(ImageMetadata image) {
        long id = image.id();
        add(new Frame(image, () -> bytesOf(id), this.encoder::toJpeg));
    }

    /**
     * An image's bytes from the store; null when gone or unreadable (that frame is
     * skipped).
     */
    private byte[] bytesOf(long id) {
        try {
            return this.store.getObject().image(id).map(ReceivedImage::original).orElse(null);
        }
        catch (RuntimeException ex) {
            log.debug("Frame {} could not be read from the store: {}", id, ex.toString());
            return null;
        }
    }

    private void add(Frame frame) {
        long now = System.nanoTime();
        ImageMetadata image = frame.metadata();
        String key = keyOf(image.sender());
        long epochNanos = epochNanos(image.receivedAt());
        synchronized (this) {
            StreamState stream = this.streams.seen(key, StreamState::new);
            this.heldBytes += image.bytes() - (stream.latest == null ? 0 : stream.latest.metadata().bytes());
            for (StreamState updated : new StreamState[] { this.all, stream }) {
                for (Viewer viewer : this.viewers) { // the frame this one replaces:
                                                     // skipped by who never took it
                    if (viewer.key.equals(updated.key) && viewer.taken < updated.frames) {
                        this.skipped.increment();
                    }
                }
                updated.add(frame, now, epochNanos);
            }
            evictBeyondLimits(stream);
            notifyAll();
        }
    }

    /**
     * Forgets streams while there are more than {@code max-streams} or their frames hold
     * more than {@code max-bytes}: newcomers before regulars, least recently seen first;
     * the one just seen stays.
     */
    private void evictBeyondLimits(StreamState seen) {
        while (this.streams.size() > this.maxStreams || this.heldBytes > this.maxBytes) {
            StreamState gone = this.streams.evictOne(seen);
            if (gone == null) {
                return;
            }
            this.heldBytes -= gone.latest.metadata().bytes();
            this.evicted.increment();
        }
    }

    /**
     * Every stream kept, busiest first, then the stopped ones, most recently seen first:
     * a camera that stopped stays listed, with its last frame, until the bounds make room
     * for another.
     */
    public synchronized List<StreamInfo> streams() {
        long now = System.nanoTime();
        long epochNow = epochNanos(Instant.now());
        long offline = this.settings.offlineAfter().toNanos();
        return this.streams.values()
            .stream()
            .map(stream -> stream.info(now, epochNow, offline))
            .sorted(Comparator.comparing(StreamInfo::active)
                .thenComparing(StreamInfo::fps)
                .thenComparing(StreamInfo::lastFrameAt)
                .reversed())
            .toList();
    }

    /** The newest frame of a stream ({@link #ALL}: of any sender), or null. */
    public synchronized Frame latest(String sender) {
        return latest(sender, camera -> true);
    }

    /**
     * The newest frame of a stream, or for {@link #ALL} of the newest of the streams of
     * the cameras {@code visible} accepts; or null.
     */
    public synchronized Frame latest(String sender, Predicate<String> visible) {
        String key = keyOf(sender);
        if (key.equals(ALL)) {
            if (this.all.latest != null && visible.test(keyOf(this.all.latest.metadata().sender()))) {
                return this.all.latest;
            }
            return this.streams.values()
                .stream()
                .filter(stream -> stream.latest != null && visible.test(stream.key))
                .max(Comparator.comparing(stream -> stream.latest.metadata().receivedAt()))
                .map(stream -> stream.latest)
                .orElse(null);
        }
        StreamState stream = stream(key);
        return stream == null || !visible.test(key) ? null : stream.latest;
    }

    private StreamState stream(String key) {
        return key.equals(ALL) ? (this.all.latest == null ? null : this.all) : this.streams.get(key);
    }

    /** A frame and its number in its stream (1, 2, ...). */
    public record Numbered(Frame frame, long number) {
    }

    /** One MJPEG viewer of a stream: what it took last. */
    public static final class Viewer {

        private final String key;

        private final Predicate<String> visible;

        private long taken;

        private Viewer(String key, Predicate<String> visible, long taken) {
            this.key = key;
            this.visible = visible;
            this.taken = taken;
        }

    }

    /**
     * A new viewer of the stream of {@code sender} ({@code null}: all); the newest frame
     * is its first.
     * @throws TooManyViewersException when {@code udp.viewers.max-mjpeg} are open
     */
    public synchronized Viewer open(String sender) {
        return open(sender, camera -> true);
    }

    /**
     * {@link #open(String)}; a viewer of {@link #ALL} gets only the frames of the cameras
     * {@code visible} accepts.
     */
    public synchronized Viewer open(String sender, Predicate<String> visible) {
        if (this.viewers.size() >= this.maxViewers) {
            throw new TooManyViewersException(this.maxViewers);
        }
        String key = keyOf(sender);
        StreamState stream = stream(key);
        Viewer viewer = new Viewer(key, visible, stream == null ? 0 : stream.frames - 1);
        this.viewers.add(viewer);
        return viewer;
    }

    private synchronized int viewers() {
        return this.viewers.size();
    }

    public synchronized void close(Viewer viewer) {
        this.viewers.remove(viewer);
    }

    /**
     * Waits until the viewer's stream has a frame it has not taken.
     * @return the newest such frame, or null if none came within {@code timeout} or the
     * hub closed
     */
    public synchronized Numbered next(Viewer viewer, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!this.closed) {
            StreamState stream = stream(viewer.key);
            if (stream != null && stream.frames < viewer.taken) { // forgotten, then back
                viewer.taken = stream.frames - 1;
            }
            if (stream != null && stream.frames > viewer.taken) {
                viewer.taken = stream.frames;
                if (viewer.visible.test(keyOf(stream.latest.metadata().sender()))) {
                    return new Numbered(stream.latest, stream.frames);
                }
                continue; // another camera's, in the stream of all: skipped
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return null;
    }

    /**
     * Ends every wait: the service is stopping (open MJPEG viewers must not hold up its
     * shutdown).
     */
    @EventListener(ContextClosedEvent.class)
    public synchronized void close() {
        this.closed = true;
        notifyAll();
    }

    public synchronized boolean closed() {
        return this.closed;
    }

    /** The stream key of a sender given as {@code ip}, {@code ip:port} or empty (all). */
    public String keyOf(String sender) {
        if (sender == null || sender.isBlank()) {
            return ALL;
        }
        return this.settings.cameraOf(sender);
    }

    private static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

}
