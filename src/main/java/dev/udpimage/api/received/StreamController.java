package dev.udpimage.api.received;

import dev.udpimage.api.security.CameraSet;
import dev.udpimage.api.security.CameraScope;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.udpimage.api.Problems;
import dev.udpimage.stream.Frame;
import dev.udpimage.stream.StreamHub;

/**
 * Every sender as a camera: MJPEG over HTTP ({@code multipart/x-mixed-replace}, as
 * mjpg-streamer and go2rtc serve it, for browsers, VLC, ffmpeg and Home Assistant), the
 * latest frame as a still, and the list of streams. Each MJPEG viewer gets the newest
 * frame whenever it is ready for one: a slow viewer skips frames (counted), and slows
 * nothing else.
 */
@RestController
@RequestMapping("/received")
@Tag(name = "streams", description = "Senders as live camera streams")
public class StreamController {

    static final String BOUNDARY = "frame";

    private static final Duration IDLE_WAIT = Duration.ofSeconds(15);

    private static final byte[] CRLF = { '\r', '\n' };

    private final StreamHub hub;

    public StreamController(StreamHub hub) {
        this.hub = hub;
    }

    @Operation(summary = "The streams: active and recently active senders, busiest first",
            description = "sender, frames, current fps, bytes a second, last frame time, size, format; a stream "
                    + "silent for 5 s is inactive, and gone after 10 s")
    @GetMapping("/streams")
    public List<StreamHub.StreamInfo> streams() {
        CameraSet visible = CameraScope.current();
        return this.hub.streams().stream().filter(stream -> visible.allows(stream.sender())).toList();
    }

    @Operation(summary = "The latest frame of a stream as JPEG (a camera's still image URL)")
    @GetMapping(value = "/stream.jpg", produces = MediaType.IMAGE_JPEG_VALUE)
    public ResponseEntity<byte[]> still(@Parameter(description = "ip, or ip:port; none: any sender") @RequestParam(
            required = false) String sender) {
        String key = visibleKey(sender, "no frame from " + sender + " yet");
        Frame frame = this.hub.latest(key, CameraScope.visible());
        byte[] jpeg = frame == null ? null : frame.jpeg();
        if (jpeg == null) {
            throw Problems.notFound("no frame" + (sender == null ? "" : " from " + sender) + " yet");
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(jpeg);
    }

    @Operation(summary = "A stream as MJPEG (multipart/x-mixed-replace), every frame as it arrives",
            description = "One part per frame, Content-Type image/jpeg with its Content-Length; other formats are "
                    + "encoded to JPEG once. A viewer that reads slowly gets the newest frame when it is ready.")
    @GetMapping("/stream.mjpeg")
    public ResponseEntity<StreamingResponseBody> mjpeg(@Parameter(
            description = "ip, or ip:port; none: every sender") @RequestParam(required = false) String sender,
            HttpServletResponse response) {
        // the servlet's own stream: since Spring Framework 7.0.6 the body's stream
        // ignores flush(), which held each frame's end back until the next frame came
        StreamHub.Viewer viewer;
        try {
            viewer = this.hub.open(visibleKey(sender, "no stream of " + sender), CameraScope.visible());
        }
        catch (StreamHub.TooManyViewersException ex) {
            throw Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Too many viewers", ex.getMessage());
        }
        StreamingResponseBody body = ignored -> {
            OutputStream out = response.getOutputStream();
            try {
                // the headers at once, not with the first frame
                out.flush();
                boolean parts = false;
                while (!this.hub.closed()) {
                    StreamHub.Numbered next = this.hub.next(viewer, IDLE_WAIT);
                    if (next == null) {
                        if (parts) {
                            // a camera gone quiet: a blank line after a part (readers
                            // skip it before the next boundary) tells whether the viewer
                            // is still there, so that a viewer that left frees its
                            // thread within IDLE_WAIT
                            out.write(CRLF);
                            out.flush();
                        }
                        continue;
                    }
                    byte[] jpeg = next.frame().jpeg();
                    if (jpeg != null) {
                        writePart(out, jpeg);
                        parts = true;
                    }
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            finally {
                this.hub.close(viewer);
            }
        };
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType("multipart/x-mixed-replace; boundary=" + BOUNDARY))
            .cacheControl(CacheControl.noStore())
            .body(body);
    }

    /**
     * The stream of {@code sender} (null: all), 404 for a camera the user may not see.
     */
    private String visibleKey(String sender, String notFound) {
        String key = this.hub.keyOf(sender);
        if (!key.equals(StreamHub.ALL)) {
            CameraScope.require(key, notFound);
        }
        return key;
    }

    private static void writePart(OutputStream out, byte[] jpeg) throws IOException {
        out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(jpeg);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

}
