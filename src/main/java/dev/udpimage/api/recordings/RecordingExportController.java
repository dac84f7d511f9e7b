package dev.udpimage.api.recordings;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.udpimage.api.Problems;
import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.recording.export.McapExport;
import dev.udpimage.recording.export.VideoExport;
import dev.udpimage.store.ReceivedList;

/**
 * A stretch of the recording as one file: MJPEG video (Matroska or MP4, a timelapse with
 * {@code every}), or MCAP with the senders' frames and lists together.
 */
@RestController
@RequestMapping("/recordings")
@Tag(name = "recordings")
public class RecordingExportController {

    static final int MAX_MCAP_SENDERS = 16;

    private final RecordingAccess access;

    private final VideoExport export;

    private final McapExport mcap;

    public RecordingExportController(RecordingAccess access, VideoExport export, McapExport mcap) {
        this.access = access;
        this.export = export;
        this.mcap = mcap;
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
        VideoExport.Format container = VideoFormats.of(format, "mkv, mp4 or mcap");
        Duration interval = every == null ? null : interval(every);
        RecordingReader recording = this.access.reader(sender);
        Instant start = RecordingAccess.start(from);
        Instant end = RecordingAccess.end(to);
        RecordingAccess.checkRange(start, end);
        List<RecordedFrame> first = recording.frames(sender, start, end, 1);
        if (first.isEmpty()) {
            throw Problems.notFound("no frame of " + sender + " recorded in [" + start + ", " + end + ")");
        }
        this.access.acquire();
        StreamingResponseBody body = out -> {
            try {
                this.export.write(recording, sender, start, end, interval, container, out);
            }
            finally {
                this.access.release();
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
        RecordingReader recording = this.access.reader();
        for (String camera : cameras) {
            this.access.requireVisible(camera);
        }
        Instant start = RecordingAccess.start(from);
        Instant end = RecordingAccess.end(to);
        RecordingAccess.checkRange(start, end);
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
        this.access.acquire();
        StreamingResponseBody body = out -> {
            try {
                this.mcap.write(recording, cameras, start, end, flavour, out);
            }
            finally {
                this.access.release();
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

}
