package dev.udpimage.recording;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.recording.retention.RetentionPolicy;

/**
 * The footage events need kept longer than the rest
 * ({@code udp.recording.events-retention}): what the recording's retention asks of
 * whoever keeps events.
 */
public interface EventFootage {

    /**
     * The stretches of footage the events of each camera cover (with their pre- and
     * post-capture), of events that ended after {@code since} or have not ended.
     */
    List<Stretch> stretches(Instant since);

    /**
     * What retention keeps for events: the stretches of events that ended within the
     * longest events retention.
     * @param footage whoever keeps events, or null (none)
     */
    static List<RetentionPolicy.Kept> kept(EventFootage footage, RecordingProperties settings) {
        if (footage == null) {
            return List.of();
        }
        Duration longest = settings.eventsRetention();
        for (RecordingProperties.Camera camera : settings.cameras().values()) {
            if (camera.eventsRetention() != null && camera.eventsRetention().compareTo(longest) > 0) {
                longest = camera.eventsRetention();
            }
        }
        return footage.stretches(Instant.now().minus(longest))
            .stream()
            .map(stretch -> new RetentionPolicy.Kept(stretch.camera(), IndexTimes.micros(stretch.from()),
                    IndexTimes.micros(stretch.to())))
            .toList();
    }

    /**
     * A stretch of one camera's footage to keep.
     *
     * @param camera whose
     * @param from its start
     * @param to its end
     */
    record Stretch(String camera, Instant from, Instant to) {
    }

}
