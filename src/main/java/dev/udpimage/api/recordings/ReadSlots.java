package dev.udpimage.api.recordings;

import java.util.concurrent.Semaphore;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.udpimage.api.Problems;

/**
 * Replays, exports and event clips at once: each reads the disk (or object storage) as
 * fast as it can, so at most {@value #MAX_READERS} run together, and the next is 503.
 */
@Component
public class ReadSlots {

    public static final int MAX_READERS = 8;

    private final Semaphore slots = new Semaphore(MAX_READERS);

    /**
     * Takes a slot; {@link #release()} it when the response is written.
     * @throws org.springframework.web.ErrorResponseException 503 when all are taken
     */
    public void acquire() {
        if (!this.slots.tryAcquire()) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Too many replays and exports",
                    MAX_READERS + " replays, exports and clips are running; try again when one ends");
        }
    }

    public void release() {
        this.slots.release();
    }

}
