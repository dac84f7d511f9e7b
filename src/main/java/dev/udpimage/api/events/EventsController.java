package dev.udpimage.api.events;

import dev.udpimage.api.security.CameraSet;
import dev.udpimage.api.security.CameraScope;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.UriComponentsBuilder;

import dev.udpimage.api.Problems;
import dev.udpimage.api.recordings.ReadSlots;
import dev.udpimage.api.recordings.VideoFormats;
import dev.udpimage.events.Event;
import dev.udpimage.events.EventQuery;
import dev.udpimage.events.EventStore;
import dev.udpimage.events.MotionProperties;
import dev.udpimage.events.Snapshot;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.recording.export.VideoExport;
import dev.udpimage.store.CameraKey;

/**
 * What happened, over HTTP: motion events found by camera, time and zone, one event, its
 * snapshot (the peak frame exactly as received), its clip (the recording from its
 * pre-capture to its post-capture, as the recording's export writes it), and the live
 * stream of events. Times are ISO-8601 instants.
 */
@RestController
@RequestMapping("/events")
@Tag(name = "events", description = "Motion events: what happened, when, and where in the frame")
public class EventsController {

    static final int MAX_PAGE = 1000;

    /** Events read for one page of a user limited to some cameras. */
    static final int MAX_SCANNED = 10 * MAX_PAGE;

    private final EventStore events;

    private final ObjectProvider<RecordingReader> recording;

    private final VideoExport export;

    private final MotionProperties motion;

    private final CameraKey cameras;

    private final EventStream stream;

    private final ReadSlots readers;

    public EventsController(EventStore events, ObjectProvider<RecordingReader> recording, VideoExport export,
            MotionProperties motion, CameraKey cameras, EventStream stream, ReadSlots readers) {
        this.events = events;
        this.recording = recording;
        this.export = export;
        this.motion = motion;
        this.cameras = cameras;
        this.stream = stream;
        this.readers = readers;
    }

    @Operation(summary = "Motion events, newest first by default, paged",
            description = "Filtered by camera, by start time in [from, to) and by zone. When more follow, a Link "
                    + "header (rel=next) names the next page.")
    @GetMapping
    public ResponseEntity<List<Event>> find(
            @Parameter(description = "the camera: ip (or ip:port)") @RequestParam(required = false) String camera,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @Parameter(description = "only events that touched this zone") @RequestParam(required = false) String zone,
            @RequestParam(defaultValue = "100") int limit,
            @Parameter(description = "desc (newest first) or asc") @RequestParam(defaultValue = "desc") String order,
            @Parameter(description = "the page after this event id (from a Link header)") @RequestParam(
                    required = false) Long after) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw Problems.badRequest("limit must be between 1 and " + MAX_PAGE);
        }
        boolean newestFirst = switch (order.toLowerCase(Locale.ROOT)) {
            case "desc" -> true;
            case "asc" -> false;
            default -> throw Problems.badRequest("order must be desc or asc");
        };
        if (from != null && to != null && !from.isBefore(to)) {
            throw Problems.badRequest("from must be before to");
        }
        String key = camera == null || camera.isBlank() ? null : this.cameras.cameraOf(camera);
        CameraSet visible = CameraScope.current();
        if (key != null && !visible.allows(key)) {
            return ResponseEntity.ok(List.of()); // as for a camera with no events
        }
        List<Event> found = new ArrayList<>();
        Long cursor = after;
        boolean more = false;
        // the user's cameras only: pages of the store are read until one of them is full,
        // for at most MAX_SCANNED events; a Link goes on from the last one read
        for (int read = 0; read < MAX_SCANNED && found.size() < limit;) {
            List<Event> page = this.events.find(new EventQuery(key, from, to, zone, limit, newestFirst, cursor));
            read += page.size();
            for (Event event : page) {
                cursor = event.id();
                if (visible.allows(event.camera())) {
                    found.add(event);
                    if (found.size() == limit) {
                        break;
                    }
                }
            }
            more = page.size() == limit;
            if (!more) {
                break;
            }
        }
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (more && cursor != null) {
            UriComponentsBuilder next = UriComponentsBuilder.fromPath("/events")
                .queryParam("limit", limit)
                .queryParam("order", newestFirst ? "desc" : "asc")
                .queryParam("after", cursor);
            if (key != null) {
                next.queryParam("camera", key);
            }
            if (from != null) {
                next.queryParam("from", from.toString());
            }
            if (to != null) {
                next.queryParam("to", to.toString());
            }
            if (zone != null) {
                next.queryParam("zone", zone);
            }
            ok.header(HttpHeaders.LINK, "<" + next.encode().build().toUriString() + ">; rel=\"next\"");
        }
        return ok.body(found);
    }

    @Operation(summary = "One event")
    @GetMapping("/{id}")
    public Event event(@PathVariable long id) {
        Event event = this.events.get(id).orElseThrow(() -> Problems.notFound("no event " + id));
        CameraScope.require(event.camera(), "no event " + id);
        return event;
    }

    @Operation(summary = "An event's snapshot: its peak frame, exactly as received",
            description = "Content-Type from the frame's format")
    @GetMapping("/{id}/snapshot.jpg")
    public ResponseEntity<byte[]> snapshot(@PathVariable long id) {
        Event event = event(id);
        Snapshot snapshot = this.events.snapshot(id)
            .orElseThrow(() -> Problems.notFound("the snapshot of event " + id + " is no longer kept"));
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(snapshot.contentType()))
            .cacheControl(event.ended() ? CacheControl.maxAge(java.time.Duration.ofHours(1)) : CacheControl.noStore())
            .body(snapshot.bytes());
    }

    @Operation(summary = "An event's clip: the recording from its pre-capture to its post-capture",
            description = "As the recording's export writes it (MJPEG in Matroska or MP4, no re-encoding); "
                    + "an event that lasts ends its clip now. 404 without a recording, 501 for MP4 without ffmpeg.")
    @GetMapping("/{id}/clip")
    public ResponseEntity<StreamingResponseBody> clip(@PathVariable long id,
            @RequestParam(defaultValue = "mkv") String format) {
        Event event = event(id);
        VideoExport.Format container = VideoFormats.of(format, "mkv or mp4");
        RecordingReader recording = this.recording.getIfAvailable();
        if (recording == null) {
            throw Problems.notFound("recording is off: an event has no clip without it");
        }
        Instant from = event.start().minus(this.motion.preCaptureOf(event.camera()));
        Instant to = (event.ended() ? event.end() : Instant.now()).plus(this.motion.postCaptureOf(event.camera()))
            .plusNanos(1000);
        if (recording.frames(event.camera(), from, to, 1).isEmpty()) {
            throw Problems.notFound("the recording of event " + id + " is no longer kept");
        }
        this.readers.acquire();
        StreamingResponseBody body = out -> {
            try {
                this.export.write(recording, event.camera(), from, to, null, container, out);
            }
            finally {
                this.readers.release();
            }
        };
        String name = "event-" + id + "-" + event.camera().replaceAll("[^0-9A-Za-z.]", "-") + "."
                + container.name().toLowerCase(Locale.ROOT);
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(container.contentType))
            .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
            .body(body);
    }

    /**
     * A camera's motion settings as the viewer draws them.
     *
     * @param camera the camera
     * @param enabled whether its frames are analysed
     * @param masks areas never analysed, polygons {@code x,y x,y ...} relative to the
     * frame
     * @param zones named areas events say they touched
     */
    public record MotionAreas(String camera, boolean enabled, List<String> masks, Map<String, String> zones) {
    }

    @Operation(summary = "A camera's masks and zones (polygons relative to the frame, 0..1, origin top left)")
    @GetMapping("/areas")
    public MotionAreas areas(@Parameter(description = "the camera: ip (or ip:port)") @RequestParam String camera) {
        String key = this.cameras.cameraOf(camera);
        CameraScope.require(key, "no camera " + camera);
        MotionProperties.Camera own = this.motion.cameras().get(key);
        return new MotionAreas(key, this.motion.of(key).enabled(), own == null ? List.of() : own.masks(),
                own == null ? Map.of() : own.zones());
    }

    @Operation(summary = "Events as they happen (Server-Sent Events: new, update, end; online, offline for cameras)")
    @GetMapping(value = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter live() {
        return this.stream.subscribe(CameraScope.visible());
    }

}
