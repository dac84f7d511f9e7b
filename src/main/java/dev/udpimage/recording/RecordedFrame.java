package dev.udpimage.recording;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One recorded frame as the API lists it, and where its bytes lie.
 *
 * @param receivedAt its index time: when it was received, to the microsecond, made to
 * follow the camera's previous frame (the paging rule of {@link RecordingReader})
 * @param bytes length of its encoded image
 * @param format ImageIO's format name, lower case
 * @param width decoded width in pixels
 * @param height decoded height in pixels
 * @param location where its bytes lie (backend-defined)
 */
public record RecordedFrame(Instant receivedAt, int bytes, String format, int width, int height,
        @JsonIgnore Location location) {

    /** Where a frame's bytes lie: each backend has its own. */
    public interface Location {

        /** The camera whose recording holds it. */
        String camera();

    }

}
