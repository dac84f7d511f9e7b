package dev.udpimage.api.recordings;

import java.time.Instant;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import dev.udpimage.api.Problems;
import dev.udpimage.api.security.CameraScope;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.store.CameraKey;

/**
 * What the recording's endpoints share: the reader (404 when recording is off), a
 * camera's visibility to the user (404 as for a camera with nothing recorded), a slot
 * among the concurrent long reads, and the checks of a range.
 */
@Component
class RecordingAccess {

    private final ObjectProvider<RecordingReader> recording;

    private final CameraKey cameras;

    private final ReadSlots readers;

    RecordingAccess(ObjectProvider<RecordingReader> recording, CameraKey cameras, ReadSlots readers) {
        this.recording = recording;
        this.cameras = cameras;
        this.readers = readers;
    }

    /** The recording, for a camera the user may see. */
    RecordingReader reader(String sender) {
        RecordingReader reader = reader();
        requireVisible(sender);
        return reader;
    }

    RecordingReader reader() {
        RecordingReader found = this.recording.getIfAvailable();
        if (found == null) {
            throw Problems.notFound("recording is off (udp.recording.enabled=false, no udp.store.dir, "
                    + "or a backend that does not record yet)");
        }
        return found;
    }

    void requireVisible(String sender) {
        CameraScope.require(this.cameras.cameraOf(sender), "nothing of " + sender + " is recorded");
    }

    /** A slot for a long read (a replay, an export, a clip); 503 when all are taken. */
    void acquire() {
        this.readers.acquire();
    }

    void release() {
        this.readers.release();
    }

    /** The end of a range; none: now (the frame received now included). */
    static Instant end(Instant to) {
        return to == null ? Instant.now().plusSeconds(1) : to;
    }

    /** The start of a range; none: the beginning. */
    static Instant start(Instant from) {
        return from == null ? Instant.EPOCH : from;
    }

    static void checkRange(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw Problems.badRequest("from must be before to");
        }
    }

}
