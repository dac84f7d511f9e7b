package dev.udpimage.events;

/**
 * An event's snapshot: its peak frame, exactly as received.
 *
 * @param bytes the image's bytes
 * @param format ImageIO's format name, lower case ({@code jpeg}, {@code png}, ...)
 */
public record Snapshot(byte[] bytes, String format) {

    /** The media type of its format. */
    public String contentType() {
        return switch (this.format) {
            case "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "bmp" -> "image/bmp";
            case "tiff" -> "image/tiff";
            default -> "application/octet-stream";
        };
    }

}
