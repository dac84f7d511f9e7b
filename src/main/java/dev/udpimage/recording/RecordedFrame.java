package dev.udpimage.recording;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One recorded frame: what the API lists, and where its bytes lie.
 *
 * @param receivedAt when it was received
 * @param bytes length of its encoded image
 * @param format ImageIO's format name, lower case
 * @param width decoded width in pixels
 * @param height decoded height in pixels
 * @param camera whose recording holds it
 * @param segment which segment holds it (implementation-defined)
 * @param offset where its bytes start in that segment
 */
public record RecordedFrame(Instant receivedAt, int bytes, String format, int width, int height,
        @JsonIgnore String camera, @JsonIgnore long segment, @JsonIgnore long offset) {
}
