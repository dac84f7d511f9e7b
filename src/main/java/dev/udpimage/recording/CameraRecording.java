package dev.udpimage.recording;

import java.time.Duration;
import java.time.Instant;

/**
 * What is recorded of one camera.
 *
 * @param sender the camera ({@code udp.streams.key}: its address, or address and port)
 * @param from its first recorded frame
 * @param to its last recorded frame
 * @param frames frames recorded
 * @param bytes bytes its segments take on disk
 * @param segments how many segments
 * @param retention the age bound in force for it
 * @param maxBytes its own byte bound, if it has one (all cameras share
 * {@code udp.recording.max-bytes})
 */
public record CameraRecording(String sender, Instant from, Instant to, long frames, long bytes, int segments,
        Duration retention, Long maxBytes) {
}
