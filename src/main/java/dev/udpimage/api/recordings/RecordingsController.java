package dev.udpimage.api.recordings;

import dev.udpimage.store.CameraKey;
import dev.udpimage.api.security.CameraSet;
import dev.udpimage.api.security.CameraScope;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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
import dev.udpimage.recording.export.McapExport;
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

    static final int MAX_READERS = ReadSlots.MAX_READERS;

    static final int MAX_MCAP_SENDERS = 16;

    private static final String BOUNDARY = "frame";

    private final ObjectProvider<RecordingReader> recording;

    private final VideoExport export;

    private final McapExport mcap;

    private final ReadSlots readers;

    private final JsonMapper json;

    private final CameraKey cameras;

    public RecordingsController(ObjectProvider<RecordingReader> recording, VideoExport export, McapExport mcap,
            ReadSlots readers, JsonMapper json, CameraKey cameras) {
        this.cameras = cameras;
        this.recording = recording;
        this.export = export;
        this.mcap = mcap;
        this.readers = readers;
        this.json = json;
    }

    /**
     * The recording, for a camera the user may see (else 404, as for a camera with
     * nothing recorded).
     */
    private RecordingReader recording(String sender) {
        RecordingReader recording = recording();
        requireVisible(sender);
        return recording;
    }

    private void requireVisible(String sender) {
        CameraScope.require(this.cameras.cameraOf(sender), "nothing of " + sender + " is recorded");
    }

    private RecordingReader recording() {
        RecordingReader found = this.recording.getIfAvailable();
        if (found == null) {
            throw Problems.notFound("recording is off (udp.recording.enabled=false, no udp.store.dir, "
                    + "or a backend that does not record yet)");
        }
        return found;
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
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = end(to);
        checkRange(start, end);
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
                    + MAX_READERS + " replays and exports are running.")
    @GetMapping("/replay.mjpeg")
    public ResponseEntity<StreamingResponseBody> replay(@RequestParam String sender,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(defaultValue = "1") double speed, HttpServletResponse response) {
        if (!(speed > 0 && speed <= MAX_SPEED)) {
            throw Problems.badRequest("speed must be above 0 and at most " + (int) MAX_SPEED);
        }
        RecordingReader recording = recording(sender);
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = end(to);
        checkRange(start, end);
        acquireReader();
        StreamingResponseBody body = ignored -> {
            try {
                // the servlet's own stream: the body's stream ignores flush()
                OutputStream out = response.getOutputStream();
                out.flush();
                replay(recording, sender, start, end, speed, out);
            }
            finally {
                this.readers.release();
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

    @Operation(
            summary = "Exports a stretch as one video file (MJPEG in Matroska or MP4, without re-encoding), "
                    + "or as one MCAP file of frames and lists",
            description = "Timestamps are the received times (variable frame rate); other formats are encoded to "
                    + "JPEG once. `every=10s` makes a timelapse: one frame per interval, at 25 a second. Streamed: "
                    + "any length fits in the heap. MP4 needs ffmpeg on the PATH (501 without it). "
                    + "`format=mcap`: the frames as received and the lists of the sender (and of `senders`), "
                    + "a channel each, for Foxglove (`profile=foxglove`, JSON) or ROS 2 (`profile=ros2`, CDR).")
    @ApiResponse(responseCode = "200",
            content = { @Content(mediaType = "video/x-matroska", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "video/mp4", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = McapExport.CONTENT_TYPE,
                            schema = @Schema(type = "string", format = "binary")) })
    @ApiResponse(responseCode = "404", description = "Nothing of the senders recorded in the range")
    @GetMapping("/export")
    public ResponseEntity<StreamingResponseBody> export(@RequestParam String sender,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @Parameter(description = "mkv, mp4, or mcap (frames and lists together)") @RequestParam(
                    defaultValue = "mkv") String format,
            @Parameter(description = "a timelapse: one frame per this interval (10s, 1m, PT1H)") @RequestParam(
                    required = false) String every,
            @Parameter(description = "format=mcap: more senders in the same file, comma-separated") @RequestParam(
                    required = false) List<String> senders,
            @Parameter(
                    description = "format=mcap: foxglove (JSON, the default) or ros2 (CDR, for ros2 bag play)") @RequestParam(
                            defaultValue = "foxglove") String profile) {
        if ("mcap".equalsIgnoreCase(format)) {
            if (every != null) {
                throw Problems.badRequest("every is for video exports; an MCAP export holds every frame");
            }
            return mcap(sender, senders, from, to, profile);
        }
        VideoExport.Format container;
        try {
            container = VideoExport.Format.valueOf(format.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw Problems.badRequest("format must be mkv, mp4 or mcap");
        }
        if (container == VideoExport.Format.MP4 && !VideoExport.mp4Available()) {
            throw Problems.of(HttpStatus.NOT_IMPLEMENTED, "MP4 needs ffmpeg",
                    "MP4 export remuxes with ffmpeg, which is not on this machine's PATH; format=mkv needs nothing");
        }
        Duration interval = every == null ? null : interval(every);
        RecordingReader recording = recording(sender);
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = end(to);
        checkRange(start, end);
        List<RecordedFrame> first = recording.frames(sender, start, end, 1);
        if (first.isEmpty()) {
            throw Problems.notFound("no frame of " + sender + " recorded in [" + start + ", " + end + ")");
        }
        acquireReader();
        StreamingResponseBody body = out -> {
            try {
                this.export.write(recording, sender, start, end, interval, container, out);
            }
            finally {
                this.readers.release();
            }
        };
        return attachment(body, container.contentType,
                fileName(sender, first.get(0).receivedAt(), container.name().toLowerCase(Locale.ROOT)));
    }

    private ResponseEntity<StreamingResponseBody> mcap(String sender, List<String> more, Instant from, Instant to,
            String profile) {
        McapExport.Flavour flavour = switch (profile.toLowerCase(Locale.ROOT)) {
            case "foxglove" -> McapExport.Flavour.FOXGLOVE;
            case "ros2" -> McapExport.Flavour.ROS2;
            default -> throw Problems.badRequest("profile must be foxglove or ros2");
        };
        List<String> cameras = new ArrayList<>();
        cameras.add(sender);
        if (more != null) {
            more.stream().map(String::strip).filter(s -> !s.isEmpty() && !cameras.contains(s)).forEach(cameras::add);
        }
        if (cameras.size() > MAX_MCAP_SENDERS) {
            throw Problems.badRequest("at most " + MAX_MCAP_SENDERS + " senders in one MCAP export");
        }
        RecordingReader recording = recording();
        for (String camera : cameras) {
            requireVisible(camera);
        }
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = end(to);
        checkRange(start, end);
        Instant firstAt = null;
        for (String camera : cameras) {
            List<RecordedFrame> first = recording.frames(camera, start, end, 1);
            Instant at = !first.isEmpty() ? first.get(0).receivedAt()
                    : recording.listAt(camera, end.minusNanos(1))
                        .map(ReceivedList::receivedAt)
                        .filter(t -> !t.isBefore(start))
                        .orElse(null);
            if (at != null && (firstAt == null || at.isBefore(firstAt))) {
                firstAt = at;
            }
        }
        if (firstAt == null) {
            throw Problems
                .notFound("nothing of " + String.join(", ", cameras) + " recorded in [" + start + ", " + end + ")");
        }
        acquireReader();
        StreamingResponseBody body = out -> {
            try {
                this.mcap.write(recording, cameras, start, end, flavour, out);
            }
            finally {
                this.readers.release();
            }
        };
        return attachment(body, McapExport.CONTENT_TYPE, fileName(sender, firstAt, "mcap"));
    }

    private static String fileName(String sender, Instant first, String extension) {
        return sender.replaceAll("[^0-9A-Za-z.]", "-") + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(first) + "."
                + extension;
    }

    private static ResponseEntity<StreamingResponseBody> attachment(StreamingResponseBody body, String contentType,
            String name) {
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(contentType))
            .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
            .body(body);
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
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = end(to);
        checkRange(start, end);
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

    private void acquireReader() {
        this.readers.acquire();
    }

    private static Instant end(Instant to) {
        // the frame received now is included
        return to == null ? Instant.now().plusSeconds(1) : to;
    }

    private static void checkRange(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw Problems.badRequest("from must be before to");
        }
    }

    private static Duration interval(String every) {
        try {
            Duration parsed = every.startsWith("P") || every.startsWith("p") ? Duration.parse(every)
                    : org.springframework.boot.convert.DurationStyle.SIMPLE.parse(every);
            if (parsed.toMillis() < 1) {
                throw new IllegalArgumentException();
            }
            return parsed;
        }
        catch (RuntimeException ex) {
            throw Problems.badRequest("every must be a positive duration such as 10s, 1m or PT1H");
        }
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
