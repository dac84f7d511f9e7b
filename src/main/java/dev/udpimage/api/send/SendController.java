package dev.udpimage.api.send;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.udpimage.protocol.LegacyProtocol;
import dev.udpimage.udp.ReceiverPorts;
import dev.udpimage.api.Problems;
import dev.udpimage.send.SendMode;
import dev.udpimage.send.SendService;
import dev.udpimage.udp.TransferProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The control plane: send an image or a list to a UDP peer with the legacy protocol. */
@RestController
@RequestMapping("/send")
@Tag(name = "send", description = "Send images and lists to UDP peers with the legacy protocol")
public class SendController {

    // the errors both sends answer alike, described once
    private static final String NOT_ALLOWED = "A target or port not in udp.send.allowed-*, or protected mode and the "
            + "request is not from this machine";

    private static final String TOO_MANY = "Over udp.send.requests-per-second for this client";

    private static final String NO_REPLY = "No reply within timeoutMs";

    private final SendService sendService;

    private final ReceiverPorts ports;

    private final JsonMapper jsonMapper;

    private final long maxImageBytes;

    public SendController(SendService sendService, ReceiverPorts ports, JsonMapper jsonMapper,
            TransferProperties transfer) {
        this.sendService = sendService;
        this.ports = ports;
        this.jsonMapper = jsonMapper;
        this.maxImageBytes = transfer.maxImageBytes().toBytes();
    }

    @Operation(operationId = "sendImage", summary = "Send an image (multipart part `file`, or the raw body as image/*)",
            description = "Sends like the Python clients (mode=chunked: 8-byte length header, then chunks; "
                    + "mode=whole: one datagram) and waits for the peer's reply, or in reliable mode "
                    + "(mode=reliable: windowed, retransmitting, checksummed; reports retransmissions). Defaults send to this service's "
                    + "own image port, so GET /received/latest.png shows the image afterwards.")
    @ApiResponse(responseCode = "200", description = "The peer replied",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = SendService.ImageSent.class),
                    examples = @ExampleObject(name = "chunked", value = """
                            {"target": "127.0.0.1:9999", "bytes": 10234, "datagrams": 11, "reply": "get message!!!",
                             "elapsedMs": 3, "retransmissions": 0, "megabytesPerSecond": 3.41, "rate": 6.0}""")))
    @ApiResponse(responseCode = "400",
            description = "No image, an image of too many pixels, a bad host, port or chunk size, whole mode over "
                    + "65507 bytes")
    @ApiResponse(responseCode = "403", description = NOT_ALLOWED)
    @ApiResponse(responseCode = "413", description = "Over udp.transfer.max-image-bytes")
    @ApiResponse(responseCode = "429", description = TOO_MANY)
    @ApiResponse(responseCode = "502", description = "Nothing listens at the target, or a reliable peer failed")
    @ApiResponse(responseCode = "504", description = NO_REPLY)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = {
                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                            schema = @Schema(implementation = Upload.class)),
                    @Content(mediaType = "image/*", schema = @Schema(type = "string", format = "binary")) })
    @PostMapping(value = "/image", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public SendService.ImageSent sendImageFile(@RequestPart("file") MultipartFile file,
            @Parameter(description = "Target host (default 127.0.0.1)") @RequestParam(required = false) String host,
            @Parameter(description = "Target UDP port (default: this service's image port)") @RequestParam(
                    required = false) @Min(1) @Max(65535) Integer port,
            @Parameter(description = "chunked and whole: the legacy protocol; reliable: docs/reliable-protocol.md",
                    schema = @Schema(allowableValues = { "chunked", "whole", "reliable" },
                            defaultValue = "chunked")) @RequestParam(defaultValue = "chunked") SendMode mode,
            @Parameter(description = "Bytes per datagram (default: 1024 chunked, 8192 reliable)") @RequestParam(
                    required = false) @Min(1) @Max(LegacyProtocol.MAX_DATAGRAM) Integer chunkSize,
            @Parameter(
                    description = "How long to wait for the reply (reliable mode: the transfer's deadline)") @RequestParam(
                            defaultValue = "5000") @Min(1) @Max(600_000) long timeoutMs,
            @Parameter(
                    description = "chunked mode: MB/s to pace the chunks at (default udp.send.rate; 0: unpaced)") @RequestParam(
                            required = false) @DecimalMin("0") Double rate)
            throws IOException {
        if (file.getSize() > this.maxImageBytes) {
            throw tooLarge(file.getSize());
        }
        return sendImage(file.getBytes(), host, port, mode, chunkSize, timeoutMs, rate);
    }

    /**
     * The raw-body twin of {@link #sendImageFile}; documented there (OpenAPI has one
     * operation per path).
     */
    @Operation(hidden = true)
    @PostMapping(value = "/image", consumes = { "image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE },
            produces = MediaType.APPLICATION_JSON_VALUE)
    public SendService.ImageSent sendImageBody(InputStream body, @RequestParam(required = false) String host,
            @RequestParam(required = false) @Min(1) @Max(65535) Integer port,
            @RequestParam(defaultValue = "chunked") SendMode mode,
            @RequestParam(required = false) @Min(1) @Max(LegacyProtocol.MAX_DATAGRAM) Integer chunkSize,
            @RequestParam(defaultValue = "5000") @Min(1) @Max(600_000) long timeoutMs,
            @RequestParam(required = false) @DecimalMin("0") Double rate) throws IOException {
        byte[] image = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, this.maxImageBytes + 1));
        if (image.length > this.maxImageBytes) {
            throw tooLarge(image.length);
        }
        return sendImage(image, host, port, mode, chunkSize, timeoutMs, rate);
    }

    @Operation(summary = "Send a JSON value (usually a list such as [0, 0, 0, 7]) to a list port",
            description = "One datagram of compact UTF-8 JSON; waits for the peer's reply (`get the msg`).")
    @ApiResponse(responseCode = "200", description = "The peer replied",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = SendService.ListSent.class),
                    examples = @ExampleObject(name = "list", value = """
                            {"target": "127.0.0.1:9998", "bytes": 9, "reply": "get the msg", "elapsedMs": 1}""")))
    @ApiResponse(responseCode = "400", description = "Invalid JSON, bad host or port")
    @ApiResponse(responseCode = "403", description = NOT_ALLOWED)
    @ApiResponse(responseCode = "429", description = TOO_MANY)
    @ApiResponse(responseCode = "502", description = "Nothing listens at the target")
    @ApiResponse(responseCode = "504", description = NO_REPLY)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "Any JSON value",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    examples = @ExampleObject(name = "list", value = "[0, 0, 0, 7]")))
    @PostMapping(value = "/list", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public SendService.ListSent sendList(@RequestBody JsonNode list,
            @Parameter(description = "Target host (default 127.0.0.1)") @RequestParam(required = false) String host,
            @Parameter(description = "Target UDP port (default: this service's list port)") @RequestParam(
                    required = false) @Min(1) @Max(65535) Integer port,
            @RequestParam(defaultValue = "5000") @Min(1) @Max(600_000) long timeoutMs) {
        return this.sendService.sendList(hostOrDefault(host), port != null ? port : this.ports.list(),
                this.jsonMapper.writeValueAsString(list), Duration.ofMillis(timeoutMs));
    }

    /** The multipart form of {@code POST /send/image}, for the docs' file picker. */
    record Upload(@Schema(type = "string", format = "binary", description = "the image file",
            requiredMode = Schema.RequiredMode.REQUIRED) String file) {
    }

    private SendService.ImageSent sendImage(byte[] image, String host, Integer port, SendMode mode, Integer chunkSize,
            long timeoutMs, Double rate) {
        if (image.length == 0) {
            throw Problems.badRequest("the image is empty");
        }
        int chunk = chunkSize != null ? chunkSize : mode == SendMode.RELIABLE ? 8192 : LegacyProtocol.CHUNK_SIZE;
        return this.sendService.sendImage(hostOrDefault(host), port != null ? port : this.ports.image(), image, mode,
                chunk, Duration.ofMillis(timeoutMs), rate);
    }

    private static String hostOrDefault(String host) {
        if (host == null) {
            return "127.0.0.1";
        }
        if (host.isBlank()) {
            throw Problems.badRequest("host must not be blank");
        }
        return host.strip();
    }

    private RuntimeException tooLarge(long size) {
        return Problems.of(HttpStatus.CONTENT_TOO_LARGE, "Image too large", "the image has " + size
                + " bytes, more than the maximum " + this.maxImageBytes + " (udp.transfer.max-image-bytes)");
    }

}
