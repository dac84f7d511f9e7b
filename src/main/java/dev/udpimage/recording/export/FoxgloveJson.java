package dev.udpimage.recording.export;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The messages of an MCAP file for Foxglove (profile {@code ""}): JSON messages with
 * {@code jsonschema} schemas, which any MCAP reader can decode without a schema compiler.
 * Frames are Foxglove's own {@code foxglove.CompressedImage}, which its Image panel
 * shows: the data field is the image in base64, a third larger than the image. Lists are
 * an object holding the time received and the recorded JSON value, so that the plot panel
 * reaches the list's items by path ({@code .value[0]}).
 */
public final class FoxgloveJson {

    public static final String MESSAGE_ENCODING = "json";

    public static final String SCHEMA_ENCODING = "jsonschema";

    public static final String COMPRESSED_IMAGE = "foxglove.CompressedImage";

    public static final String LIST = "udp_image_service.List";

    /**
     * {@code foxglove.CompressedImage}: {@code timestamp} ({@code sec}, {@code nsec}),
     * {@code frame_id}, {@code data} (base64), {@code format}.
     */
    public static final String COMPRESSED_IMAGE_SCHEMA = """
            {"title":"foxglove.CompressedImage","description":"A compressed image","type":"object",\
            "properties":{\
            "timestamp":{"type":"object","title":"time","description":"Timestamp of image",\
            "properties":{"sec":{"type":"integer","minimum":0},\
            "nsec":{"type":"integer","minimum":0,"maximum":999999999}}},\
            "frame_id":{"type":"string","description":"Frame of reference for the image"},\
            "data":{"type":"string","contentEncoding":"base64","description":"Compressed image data"},\
            "format":{"type":"string","description":"Image format, e.g. jpeg"}}}""";

    /**
     * A list message: {@code receivedAt} (ISO-8601) and {@code value}. The schema names
     * the usual value, an array of numbers, so that Foxglove (which reads a schema for
     * field names and types only, and does not check messages against it) offers its
     * items to plot; any other recorded JSON value is written as it is, and any other
     * property is allowed.
     */
    public static final String LIST_SCHEMA = """
            {"title":"udp_image_service.List","description":"A JSON value received on the list port",\
            "type":"object","additionalProperties":true,\
            "properties":{\
            "receivedAt":{"type":"string","format":"date-time","description":"When it was received"},\
            "value":{"type":"array","items":{"type":"number"},"description":"The JSON value received"}}}""";

    private FoxgloveJson() {
    }

    /**
     * A {@code foxglove.CompressedImage} message as three parts for
     * {@link McapWriter#message(int, long, long, byte[]...)}: the JSON before the data,
     * the data in base64, the JSON after it.
     * @param format e.g. {@code jpeg}
     */
    public static byte[][] compressedImage(Instant timestamp, String frameId, String format, byte[] data) {
        String head = "{\"timestamp\":{\"sec\":" + timestamp.getEpochSecond() + ",\"nsec\":" + timestamp.getNano()
                + "},\"frame_id\":" + quote(frameId) + ",\"format\":" + quote(format) + ",\"data\":\"";
        return new byte[][] { head.getBytes(StandardCharsets.UTF_8), Base64.getEncoder().encode(data), { '"', '}' } };
    }

    /**
     * A list message.
     * @param valueJson one JSON value, as recorded (not checked)
     */
    public static byte[] list(Instant receivedAt, String valueJson) {
        return ("{\"receivedAt\":\"" + receivedAt + "\",\"value\":" + valueJson + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string. */
    static String quote(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

}
