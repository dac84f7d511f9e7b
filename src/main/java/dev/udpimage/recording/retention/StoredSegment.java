package dev.udpimage.recording.retention;

/**
 * What retention knows of one stored segment.
 *
 * @param camera whose segment it is
 * @param id names it within the backend (a file's start, a row's id)
 * @param firstMicros its first frame's index time
 * @param lastMicros its last frame's index time
 * @param bytes what it takes (a file backend: both its files)
 * @param open whether it still takes frames (never deleted while open)
 */
public record StoredSegment(String camera, long id, long firstMicros, long lastMicros, long bytes, boolean open) {
}
