package dev.udpimage.api.recordings;

import dev.udpimage.api.security.CameraSet;
import dev.udpimage.api.security.CameraScope;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.UriComponentsBuilder;

import dev.udpimage.api.Problems;
import dev.udpimage.recording.CameraRecording;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.recording.export.VideoExport;
import dev.udpimage.store.ReceivedList;
import tools.jackson.databind.json.JsonMapper;

/**
 * The recording over HTTP: what is recorded per camera, frames found by time, a stretch
 * replayed as MJPEG at its recorded pace (or faster), exported as one video file, and the
 * lists a sender sent. Times are ISO-8601 instants ({@code 2026-12-02T10:42:00Z}).
 */
@RestController
@RequestMapping("/recordings")
@Tag(name = "recordings", description = "Every frame of every camera, kept by time")
public class RecordingsController {

    /** The header that carries a frame's received time. */
    static final String FRAME_TIME = "X-Frame-Time";

    static final int MAX_PAGE = 10_000;

    static final double MAX_SPEED = 1000;

    private static final String BOUNDARY = "frame";

    private final RecordingAccess access;

    private final VideoExport export;

    private final JsonMapper json;

    public RecordingsController(RecordingAccess access, VideoExport export, JsonMapper json) {
        this.access = access;
        this.export = export;
        this.json = json;
    }

    private RecordingReader recording(String sender) {
        return this.access.reader(sender);
    }

    private RecordingReader recording() {
        return this.access.reader();
    }

    @Operation(summary = "Every camera with a recording: its first and last frame, frames, bytes, segments, "
            + "and the retention in force for it")
    @GetMapping
    public List<CameraRecording> cameras() {
        CameraSet visible = CameraScope.current();
        return recording().cameras().stream().filter(camera -> visible.allows(camera.sender())).toList();
    }

    @Operation(summary = "A camera's recorded stretches (its segments), oldest first: what the viewer's timeline "
            + "draws, gaps between them included")
    @GetMapping("/spans")
    public List<RecordingReader.Span> spans(
            @Parameter(description = "the camera: ip (or ip:port)") @RequestParam String sender) {
        return recording(sender).spans(sender);
    }

    @Operation(summary = "Frame metadata in time order, paged",
            description = "Frames received in [from, to): receivedAt, bytes, format, width, height. When more follow, "
                    + "a Link header (rel=next) names the next page.")
    @GetMapping("/frames")
    public ResponseEntity<List<RecordedFrame>> frames(@RequestParam String sender,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(defaultValue = "1000") int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw Problems.badRequest("limit must be between 1 and " + MAX_PAGE);
        }
        Instant start = RecordingAccess.start(from);
        Instant end = RecordingAccess.end(to);
        RecordingAccess.checkRange(start, end);
        List<RecordedFrame> frames = recording(sender).frames(sender, start, end, limit);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (frames.size() == limit) {
            Instant next = IndexTimes.after(frames.get(frames.size() - 1).receivedAt());
            String link = UriComponentsBuilder.fromPath("/recordings/frames")
                .queryParam("sender", sender)
                .queryParam("from", next.toString())
                .queryParam("to", end.toString())
                .queryParam("limit", limit)
                .encode()
                .build()
                .toUriString();
            ok.header(HttpHeaders.LINK, "<" + link + ">; rel=\"next\"");
        }
        return ok.body(frames);
    }

    @Operation(summary = "The frame received at `at` or most recently before it, its bytes exactly as received",
            description = "Content-Type from its format; X-Frame-Time (and Last-Modified) give its received time. "
                    + "404 when the camera has no frame that old.")
    @GetMapping("/frame")
    public ResponseEntity<byte[]> frame(@RequestParam String sender,
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant at) {
        RecordingReader recording = recording(sender);
        RecordedFrame frame = recording.frameAt(sender, at)
            .orElseThrow(() -> Problems.notFound("no frame of " + sender + " recorded at or before " + at));
        byte[] bytes;
        try {
            bytes = recording.read(frame);
        }
        catch (UncheckedIOException ex) {
            throw Problems.notFound("the frame of " + sender + " at " + frame.receivedAt() + " is no longer kept");
        }
        return ResponseEntity.ok()
            .contentType(mediaType(frame.format()))
            .header(FRAME_TIME, frame.receivedAt().toString())
            .lastModified(frame.receivedAt())
            .cacheControl(CacheControl.maxAge(Duration.ofHours(1)))
            .body(bytes);
    }

    @Operation(
            summary = "Replays a stretch as MJPEG (multipart/x-mixed-replace), each frame at its recorded time "
                    + "divided by `speed`",
            description = "Plays in an <img>, VLC and ffmpeg. Other formats are encoded " + "to JPEG once. 503 when "
                    + ReadSlots.MAX_READERS + " replays and exports are running.")
    @GetMapping("/replay.mjpeg")
    public ResponseEntity<StreamingResponseBody> replay(@RequestParam String sender,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(defaultValue = "1") double speed, HttpServletResponse response) {
        if (!(speed > 0 && speed <= MAX_SPEED)) {
            throw Problems.badRequest("speed must be above 0 and at most " + (int) MAX_SPEED);
        }
        RecordingReader recording = recording(sender);
        Instant start = RecordingAccess.start(from);
        Instant end = RecordingAccess.end(to);
        RecordingAccess.checkRange(start, end);
        this.access.acquire();
        StreamingResponseBody body = ignored -> {
            try {
                // the servlet's own stream: the body's stream ignores flush()
                OutputStream out = response.getOutputStream();
                out.flush();
                replay(recording, sender, start, end, speed, out);
            }
            finally {
                this.access.release();
            }
        };
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType("multipart/x-mixed-replace; boundary=" + BOUNDARY))
            .cacheControl(CacheControl.noStore())
            .body(body);
    }

    private void replay(RecordingReader recording, String sender, Instant from, Instant to, double speed,
            OutputStream out) throws IOException {
        long startedNanos = System.nanoTime();
        Instant first = null;
        for (List<RecordedFrame> page : recording.pages(sender, from, to, 500)) {
            for (RecordedFrame frame : page) {
                if (first == null) {
                    first = frame.receivedAt();
                }
                long dueNanos = startedNanos + (long) (Duration.between(first, frame.receivedAt()).toNanos() / speed);
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                byte[] jpeg;
                try {
                    byte[] bytes = recording.read(frame);
                    jpeg = "jpeg".equals(frame.format()) ? bytes : this.export.jpeg(bytes);
                }
                catch (UncheckedIOException ex) {
                    continue; // deleted by retention meanwhile
                }
                if (jpeg.length > 0) {
                    out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length
                            + "\r\n" + FRAME_TIME + ": " + frame.receivedAt() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                    out.write(jpeg);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        }
        // the end is the response's end: ffmpeg's MJPEG reader takes a closing boundary
        // for a broken part
    }

    @Operation(operationId = "recordedLists",
            summary = "A sender's recorded lists in [from, to) as JSON lines, or with `at` the one list it sent "
                    + "last at or before that time",
            description = "Without `at`: application/x-ndjson, each line {\"sender\", \"receivedAt\", \"value\", ...}, "
                    + "oldest first. With `at`: that one list as application/json, like frame?at= (404 if none).")
    @ApiResponse(responseCode = "200",
            content = { @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")),
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = ReceivedList.class)) })
    @ApiResponse(responseCode = "404", description = "With `at`: no list of the sender at or before it")
    @GetMapping(value = "/lists", produces = { "application/x-ndjson", MediaType.APPLICATION_JSON_VALUE })
    public ResponseEntity<StreamingResponseBody> lists(@RequestParam String sender,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @Parameter(description = "the list sent last at or before this time, instead of a range") @RequestParam(
                    required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant at) {
        RecordingReader recording = recording(sender);
        if (at != null) {
            if (from != null || to != null) {
                throw Problems.badRequest("at asks for one list; from and to for a range: not both");
            }
            ReceivedList list = recording.listAt(sender, at)
                .orElseThrow(() -> Problems.notFound("no list of " + sender + " recorded at or before " + at));
            byte[] json = this.json.writeValueAsBytes(list);
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(out -> out.write(json));
        }
        Instant start = RecordingAccess.start(from);
        Instant end = RecordingAccess.end(to);
        RecordingAccess.checkRange(start, end);
        StreamingResponseBody body = out -> {
            try {
                recording.lists(sender, start, end, list -> {
                    try {
                        out.write(this.json.writeValueAsBytes(list));
                        out.write('\n');
                    }
                    catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
            }
            catch (UncheckedIOException ex) {
                throw ex.getCause();
            }
        };
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson")).body(body);
    }

    private static MediaType mediaType(String format) {
        return switch (format) {
            case "jpeg" -> MediaType.IMAGE_JPEG;
            case "png" -> MediaType.IMAGE_PNG;
            case "gif" -> MediaType.IMAGE_GIF;
            case "bmp" -> MediaType.parseMediaType("image/bmp");
            case "tiff" -> MediaType.parseMediaType("image/tiff");
            default -> MediaType.APPLICATION_OCTET_STREAM;
        };
    }

}
