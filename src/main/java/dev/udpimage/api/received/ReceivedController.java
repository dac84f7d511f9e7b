package dev.udpimage.api.received;

import dev.udpimage.store.CameraKey;
import dev.udpimage.api.security.CameraSet;
import dev.udpimage.api.security.CameraScope;
import java.util.function.Function;
import java.util.Optional;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.udpimage.flow.ReceiveStats;
import dev.udpimage.api.Problems;
import dev.udpimage.store.ImageMetadata;
import dev.udpimage.store.ReceivedImage;
import dev.udpimage.store.ReceivedList;
import dev.udpimage.store.ReceivedStore;

/** What arrived over UDP, read-only. */
@RestController
@RequestMapping("/received")
@Tag(name = "received", description = "Images and lists received over UDP")
public class ReceivedController {

    private final ReceivedStore store;

    private final PngRenderer png;

    private final ReceiveStats stats;

    private final ReceivedEvents events;

    private final CameraKey cameras;

    public ReceivedController(ReceivedStore store, PngRenderer png, ReceiveStats stats, ReceivedEvents events,
            CameraKey cameras) {
        this.cameras = cameras;
        this.store = store;
        this.png = png;
        this.stats = stats;
        this.events = events;
    }

    @Operation(summary = "Live updates: an `image` event (metadata) or `list` event for everything received",
            description = "Server-Sent Events. Fetch the picture itself from /received/images/{id}.png.")
    @GetMapping(value = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events() {
        return this.events.subscribe(CameraScope.visible());
    }

    /** {@code GET /received/stats}. */
    public record Stats(Map<String, ReceiveStats.PortStats> ports, int imagesKept, int listsKept) {
    }

    @Operation(summary = "What the UDP ports received, completed and dropped (by reason) since start-up",
            description = "A summary of the udp.* meters; /actuator/prometheus has them all.")
    @GetMapping("/stats")
    public Stats stats() {
        return new Stats(this.stats.byPort(), this.store.images().size(), this.store.lists().size());
    }

    @Operation(summary = "The latest received image, as PNG")
    @ApiResponse(responseCode = "200",
            content = @Content(mediaType = MediaType.IMAGE_PNG_VALUE,
                    schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "No image received yet")
    @GetMapping(value = "/latest.png", produces = MediaType.IMAGE_PNG_VALUE)
    public byte[] latestPng() {
        CameraSet visible = CameraScope.current();
        Optional<ReceivedImage> latest = visible.all() ? this.store.latestImage()
                : this.store.images()
                    .stream()
                    .filter(image -> visible.allows(this.cameras.cameraOf(image.sender())))
                    .findFirst()
                    .flatMap(image -> this.store.image(image.id()));
        return this.png.render(latest.orElseThrow(() -> Problems.notFound("no image has been received yet")));
    }

    @Operation(summary = "Metadata of the kept images, newest first")
    @GetMapping("/images")
    public List<ImageMetadata> images() {
        return visible(this.store.images(), ImageMetadata::sender);
    }

    @Operation(summary = "One received image, as PNG")
    @ApiResponse(responseCode = "200",
            content = @Content(mediaType = MediaType.IMAGE_PNG_VALUE,
                    schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "No such image (never received, or no longer kept)")
    @GetMapping(value = "/images/{id}.png", produces = MediaType.IMAGE_PNG_VALUE)
    public ResponseEntity<byte[]> imagePng(@PathVariable long id) {
        // browsers may keep it a minute (the viewer's thumbnails); not longer: with
        // udp.store.dir empty, ids
        // start again at 1 after a restart
        return ResponseEntity.ok()
            .cacheControl(CacheControl.maxAge(Duration.ofMinutes(1)).cachePrivate())
            .body(this.png.render(image(id)));
    }

    @Operation(summary = "One received image, the original bytes as they arrived")
    @ApiResponse(responseCode = "200",
            content = @Content(mediaType = "image/*", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "No such image (never received, or no longer kept)")
    @GetMapping(value = "/images/{id}/original", produces = MediaType.ALL_VALUE)
    public ResponseEntity<byte[]> original(@PathVariable long id) {
        ReceivedImage image = image(id);
        return ResponseEntity.ok().contentType(PngRenderer.mediaType(image.metadata().format())).body(image.original());
    }

    @Operation(summary = "The kept JSON lists with their metadata, newest first")
    @GetMapping("/lists")
    public List<ReceivedList> lists() {
        return visible(this.store.lists(), ReceivedList::sender);
    }

    @Operation(summary = "The latest JSON list with its metadata")
    @ApiResponse(responseCode = "200", description = "The latest list")
    @ApiResponse(responseCode = "404", description = "No list received yet")
    @GetMapping("/lists/latest")
    public ReceivedList latestList() {
        Optional<ReceivedList> latest = CameraScope.current().all() ? this.store.latestList()
                : lists().stream().findFirst();
        return latest.orElseThrow(() -> Problems.notFound("no list has been received yet"));
    }

    private ReceivedImage image(long id) {
        ReceivedImage image = this.store.image(id)
            .orElseThrow(() -> Problems.notFound("no image with id " + id + " is kept"));
        CameraScope.require(this.cameras.cameraOf(image.metadata().sender()), "no image with id " + id + " is kept");
        return image;
    }

    /** What of the items the request's user may see. */
    private <T> List<T> visible(List<T> items, Function<T, String> sender) {
        CameraSet visible = CameraScope.current();
        return visible.all() ? items
                : items.stream().filter(item -> visible.allows(this.cameras.cameraOf(sender.apply(item)))).toList();
    }

}
