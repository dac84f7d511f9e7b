package dev.udpimage.events;

import java.time.Instant;

/**
 * Which events to list, and how.
 *
 * @param camera only this camera's, or all (null)
 * @param from only events that started at or after this
 * @param to only events that started before this
 * @param zone only events that touched this zone, or any (null)
 * @param limit at most this many
 * @param newestFirst newest first (the default), or oldest first
 * @param after the page after the event with this id (in the order asked for), or from
 * the first (null)
 */
public record EventQuery(String camera, Instant from, Instant to, String zone, int limit, boolean newestFirst,
        Long after) {
}
