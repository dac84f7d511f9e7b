package dev.udpimage.events.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;

import dev.udpimage.events.MotionProperties;
import dev.udpimage.events.Snapshot;
import dev.udpimage.limit.RateLimitedLog;
import dev.udpimage.motion.LumaImage;
import dev.udpimage.motion.LumaSampler;
import dev.udpimage.motion.MotionEvent;
import dev.udpimage.motion.Transition;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.CameraKey;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.StoreListener;

/**
 * Motion detection off the receive path: a bounded stage between the store and the
 * cameras' detectors. A port's thread (or a store worker) only puts the stored frame in
 * its camera's slot, if the camera's {@code udp.motion.max-fps} allows one now, and wakes
 * the analysis thread if it sleeps; the analysis thread takes the cameras with a frame in
 * turn, reads each frame's luma at about 1/8 scale ({@link LumaSampler}) and hands it to
 * the camera's detector. When the analysis falls behind, a camera's newer frame replaces
 * the one waiting (each camera skips evenly, counted); the frames waiting hold at most
 * {@link #MAX_PENDING_BYTES}; at most {@code udp.motion.max-cameras} cameras are
 * analysed. What the detectors find goes to the {@link EventPublisher}.
 */
public class MotionStage implements StoreListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(MotionStage.class);

    private static final RateLimitedLog failureLog = new RateLimitedLog(log, 1);

    /** Most bytes of frames waiting for the analysis, all cameras together. */
    public static final long MAX_PENDING_BYTES = 4L << 20;

    /** Most bytes of frames held as snapshot candidates, all cameras together. */
    public static final long MAX_CANDIDATE_BYTES = 4L << 20;

    /**
     * What one camera's detector holds at most: its background and working planes at
     * 160x120, about 38 bytes a pixel with zones.
     */
    public static final long DETECTOR_BYTES = 768L << 10;

    /** The analysed picture fits in this: the detector works on a small luma image. */
    static final int WIDTH = 160;

    static final int HEIGHT = 120;

    /** How often open events are checked for a camera that went silent. */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final MotionProperties settings;

    private final CameraKey cameraKey;

    private final EventPublisher publisher;

    private final ConcurrentHashMap<String, CameraAnalysis> cameras = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<CameraAnalysis> ready = new ConcurrentLinkedQueue<>();

    private final AtomicLong pendingBytes = new AtomicLong();

    private final AtomicLong candidateBytes = new AtomicLong();

    private final LumaSampler sampler = new LumaSampler();

    private final Thread analyser;

    private volatile boolean parked;

    private volatile boolean stopping;

    private final Counter analysed;

    private final Counter fast;

    private final Counter skippedRate;

    private final Counter skippedBehind;

    private final Counter skippedCameras;

    private final Counter undecodable;

    private final Timer analysis;

    public MotionStage(MotionProperties settings, CameraKey cameraKey, EventPublisher publisher,
            MeterRegistry registry) {
        this.settings = settings;
        this.cameraKey = cameraKey;
        this.publisher = publisher;
        this.analysed = Counter.builder("udp.motion.frames.analysed").description("Frames analysed").register(registry);
        this.fast = Counter.builder("udp.motion.frames.fast")
            .description("Frames whose luma was read from the JPEG's DC coefficients alone (the rest: ImageIO)")
            .register(registry);
        this.skippedRate = skipped(registry, "rate");
        this.skippedBehind = skipped(registry, "behind");
        this.skippedCameras = skipped(registry, "cameras");
        this.undecodable = skipped(registry, "undecodable");
        this.analysis = Timer.builder("udp.motion.analysis")
            .description("Analysing a frame: reading its luma and the detector's step")
            .register(registry);
        Gauge.builder("udp.motion.cameras", this.cameras, java.util.Map::size)
            .description("Cameras analysed")
            .register(registry);
        this.analyser = new Thread(this::run, "motion-analysis");
        this.analyser.setDaemon(true);
        this.analyser.start();
        log.info("Motion detection on: at most {} frames a second per camera, {} cameras", settings.maxFps(),
                settings.maxCameras());
    }

    /** The most the analysis can hold on the heap with these settings. */
    public static long heldInMemory(MotionProperties settings) {
        return settings.enabled() ? settings.maxCameras() * DETECTOR_BYTES + MAX_PENDING_BYTES + MAX_CANDIDATE_BYTES
                : 0;
    }

    private static Counter skipped(MeterRegistry registry, String reason) {
        return Counter.builder("udp.motion.frames.skipped")
            .description("Frames not analysed: over udp.motion.max-fps (rate), replaced by a newer one while the "
                    + "analysis was behind (behind), of a camera past udp.motion.max-cameras (cameras), or "
                    + "unreadable (undecodable)")
            .tag("reason", reason)
            .register(registry);
    }

    /** On a port's thread or a store worker: puts the frame in its camera's slot. */
    @Override
    public void imageStored(ReceivedImage image) {
        String key = this.cameraKey.cameraOf(image.sender());
        CameraAnalysis camera = this.cameras.get(key);
        if (camera == null) {
            if (this.cameras.size() >= this.settings.maxCameras()) {
                this.skippedCameras.increment();
                return;
            }
            camera = this.cameras.computeIfAbsent(key,
                    name -> new CameraAnalysis(name, this.settings.of(name), this.settings.maxFps()));
        }
        long now = System.nanoTime();
        if (!camera.accepts(now)) {
            this.skippedRate.increment();
            return;
        }
        long bytes = image.original().length;
        if (this.pendingBytes.addAndGet(bytes) > MAX_PENDING_BYTES && this.pendingBytes.get() != bytes) {
            this.pendingBytes.addAndGet(-bytes);
            this.skippedBehind.increment();
            return;
        }
        ReceivedImage replaced = camera.pending.getAndSet(image);
        if (replaced != null) {
            this.pendingBytes.addAndGet(-replaced.original().length);
            this.skippedBehind.increment();
        }
        if (camera.queued.compareAndSet(false, true)) {
            this.ready.add(camera);
        }
        if (this.parked) {
            LockSupport.unpark(this.analyser);
        }
    }

    private void run() {
        long lastTick = System.nanoTime();
        while (!this.stopping) {
            CameraAnalysis camera = this.ready.poll();
            if (camera != null) {
                camera.queued.set(false);
                ReceivedImage image = camera.pending.getAndSet(null);
                if (image != null) {
                    this.pendingBytes.addAndGet(-image.original().length);
                    analyse(camera, image);
                }
            }
            else {
                this.parked = true;
                if (this.ready.isEmpty()) {
                    LockSupport.parkNanos(TICK_NANOS);
                }
                this.parked = false;
            }
            if (System.nanoTime() - lastTick >= TICK_NANOS) {
                lastTick = System.nanoTime();
                tick();
            }
        }
    }

    private void analyse(CameraAnalysis camera, ReceivedImage image) {
        if (!camera.settings.enabled()) {
            return;
        }
        long started = System.nanoTime();
        List<Transition> transitions;
        try {
            LumaSampler.Sample sample = this.sampler.sample(image.original(), WIDTH, HEIGHT);
            if (sample.fast()) {
                this.fast.increment();
            }
            LumaImage luma = sample.image();
            long micros = IndexTimes.micros(image.receivedAt());
            transitions = camera.detector().accept(luma, micros);
            this.analysed.increment();
            this.analysis.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            camera.noteFrame(image, micros, this.candidateBytes, MAX_CANDIDATE_BYTES);
        }
        catch (RuntimeException ex) {
            this.undecodable.increment();
            failureLog.warn("Could not analyse a frame of {}: {}", camera.key, ex.toString());
            return;
        }
        handle(camera, transitions);
    }

    /** Ends the events of cameras that went silent. */
    private void tick() {
        long now = IndexTimes.micros(java.time.Instant.now());
        for (CameraAnalysis camera : this.cameras.values()) {
            if (camera.hasOpenEvent()) {
                handle(camera, camera.detector().tick(now));
            }
        }
    }

    private void handle(CameraAnalysis camera, List<Transition> transitions) {
        for (Transition transition : transitions) {
            MotionEvent event = transition.event();
            Snapshot snapshot = camera.newPeak(event.peakMicros());
            if (transition instanceof Transition.New) {
                camera.eventId = this.publisher.opened(camera.key, event,
                        snapshot != null ? snapshot : camera.lastSnapshot());
            }
            else if (camera.eventId >= 0 && transition instanceof Transition.Update) {
                this.publisher.updated(camera.eventId, event, snapshot);
            }
            else if (camera.eventId >= 0 && transition instanceof Transition.End) {
                this.publisher.ended(camera.eventId, event, snapshot);
                camera.eventId = -1;
            }
            if (transition instanceof Transition.End) {
                camera.eventEnded(this.candidateBytes);
            }
        }
    }

    /** The cameras analysed now. */
    List<String> cameras() {
        return new ArrayList<>(this.cameras.keySet());
    }

    @Override
    public void destroy() throws InterruptedException {
        this.stopping = true;
        LockSupport.unpark(this.analyser);
        this.analyser.join(5000);
    }

}
