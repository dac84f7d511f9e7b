package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.udpimage.recording.CameraDirectories;
import dev.udpimage.recording.retention.StoredSegment;

/**
 * The cameras the recording holds, by camera, and the bounds on them that no sender can
 * break: at most {@code maxCameras} cameras (a camera beyond is refused:
 * {@link TooManyCameras}), and at most {@value #MAX_OPEN_CAMERAS} with open files, the
 * least recently written closing its own (its segment finished) for another, so that
 * twenty thousand senders cannot run the process out of file descriptors.
 */
final class Catalog {

    /** Most cameras whose segment and lists files are open at once (three each). */
    static final int MAX_OPEN_CAMERAS = 128;

    final Path root;

    private final int maxCameras;

    private final ConcurrentMap<String, CameraSegments> cameras = new ConcurrentHashMap<>();

    /** The cameras with open files, least recently written first. Guarded by itself. */
    private final LinkedHashMap<CameraSegments, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);

    private final FileOpener opener;

    Catalog(Path root, int maxCameras, FileOpener opener) {
        this.opener = opener;
        this.root = root;
        this.maxCameras = maxCameras;
    }

    /** A camera's recording, if it has one. */
    CameraSegments get(String camera) {
        return this.cameras.get(camera);
    }

    /** A camera found at start-up, by its directory's name, its segments to come. */
    CameraSegments found(Path dir) {
        CameraSegments camera = new CameraSegments(CameraDirectories.cameraOf(dir.getFileName().toString()), dir,
                this.opener);
        this.cameras.put(camera.camera, camera);
        return camera;
    }

    /**
     * A camera's recording, new if need be.
     * @throws TooManyCameras past {@code maxCameras}
     */
    CameraSegments admit(String camera) throws TooManyCameras {
        CameraSegments known = this.cameras.get(camera);
        if (known != null) {
            return known;
        }
        if (this.cameras.size() >= this.maxCameras) {
            throw new TooManyCameras(this.cameras.size());
        }
        return this.cameras.computeIfAbsent(camera,
                key -> new CameraSegments(key, this.root.resolve(CameraDirectories.nameOf(key)), this.opener));
    }

    /** Not an I/O failure: the disk is fine, the camera is one too many. */
    static final class TooManyCameras extends IOException {

        TooManyCameras(int cameras) {
            super(cameras + " cameras are recorded (udp.recording.max-cameras)");
        }

    }

    /**
     * Notes a camera's files as open, closing the least recently written past the cap.
     */
    void opened(CameraSegments camera) {
        CameraSegments eldest = null;
        synchronized (this.open) {
            this.open.put(camera, Boolean.TRUE);
            if (this.open.size() > MAX_OPEN_CAMERAS) {
                eldest = this.open.keySet().iterator().next();
                this.open.remove(eldest);
            }
        }
        if (eldest != null) {
            eldest.close();
        }
    }

    Collection<CameraSegments> cameras() {
        return this.cameras.values();
    }

    /** Every segment of every camera, for retention. */
    List<StoredSegment> stored() {
        List<StoredSegment> stored = new ArrayList<>();
        for (CameraSegments camera : this.cameras.values()) {
            for (SegmentFile segment : camera.snapshot()) {
                stored.add(segment.stored(camera.camera));
            }
        }
        return stored;
    }

    /** Forgets cameras whose every segment and list is gone. */
    void forgetEmpty() {
        this.cameras.values().removeIf(camera -> {
            if (!camera.empty()) {
                return false;
            }
            synchronized (this.open) {
                this.open.remove(camera);
            }
            return true;
        });
    }

    long bytes() {
        return this.cameras.values().stream().mapToLong(CameraSegments::bytes).sum();
    }

    void close() {
        this.cameras.values().forEach(CameraSegments::close);
    }

}
