package dev.udpimage.motion;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Edits of a JPEG file's marker segments (those before its first scan), to make files
 * that the JDK's writer does not: 16-bit tables, fill bytes, foreign segments, other
 * frame types.
 */
final class JpegFiles {

    private JpegFiles() {
    }

    /** Whether a marker comes before (or is) the first scan's. */
    static boolean hasMarker(byte[] jpeg, int marker) {
        boolean[] seen = new boolean[1];
        edit(jpeg, (segment) -> {
            seen[0] |= (segment[1] & 0xff) == marker;
            return segment;
        });
        return seen[0];
    }

    /** The same JPEG with its quantisation tables written with 16-bit steps. */
    static byte[] withSixteenBitTables(byte[] jpeg) {
        return edit(jpeg, (segment) -> {
            if ((segment[1] & 0xff) != 0xDB) {
                return segment;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int pos = 4;
            while (pos < segment.length) {
                int id = segment[pos] & 15;
                body.write(0x10 | id);
                for (int i = 0; i < 64; i++) {
                    body.write(0);
                    body.write(segment[pos + 1 + i]);
                }
                pos += 65;
            }
            return segment(0xDB, body.toByteArray());
        });
    }

    /**
     * The same JPEG with an Exif-like APP1, a comment and an APP15 after its start, and
     * fill bytes (extra FFs) before each of its markers.
     */
    static byte[] withSegmentsAndFillBytes(byte[] jpeg) {
        byte[] edited = edit(jpeg, (segment) -> {
            byte[] filled = new byte[segment.length + 3];
            filled[0] = (byte) 0xFF;
            filled[1] = (byte) 0xFF;
            filled[2] = (byte) 0xFF;
            System.arraycopy(segment, 0, filled, 3, segment.length);
            return filled;
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(edited, 0, 2);
        out.writeBytes(segment(0xE1, "Exif\0\0MM\0*\0\0\0\u0008".getBytes(StandardCharsets.ISO_8859_1)));
        out.writeBytes(segment(0xFE, "a comment".getBytes(StandardCharsets.US_ASCII)));
        out.writeBytes(segment(0xEF, new byte[300]));
        out.write(edited, 2, edited.length - 4);
        out.writeBytes(new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xD9 });
        return out.toByteArray();
    }

    /** The same JPEG with its frame marker (SOF0) replaced by another one. */
    static byte[] withFrameMarker(byte[] jpeg, int marker) {
        return edit(jpeg, (segment) -> {
            if ((segment[1] & 0xff) == 0xC0) {
                segment[1] = (byte) marker;
            }
            return segment;
        });
    }

    /** The same JPEG with a byte of its frame header (SOF0) changed. */
    static byte[] withFrameByte(byte[] jpeg, int offset, int value) {
        return edit(jpeg, (segment) -> {
            if ((segment[1] & 0xff) == 0xC0) {
                segment[4 + offset] = (byte) value;
            }
            return segment;
        });
    }

    /** The same JPEG claiming another size. */
    static byte[] withSize(byte[] jpeg, int width, int height) {
        return withFrameByte(
                withFrameByte(withFrameByte(withFrameByte(jpeg, 1, height >> 8), 2, height), 3, width >> 8), 4, width);
    }

    /**
     * The same JPEG with an Adobe APP14 segment of the given colour transform instead of
     * its JFIF APP0.
     */
    static byte[] withAdobeTransform(byte[] jpeg, int transform) {
        byte[] adobe = { 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform };
        return edit(jpeg, (segment) -> ((segment[1] & 0xff) == 0xE0) ? segment(0xEE, adobe) : segment);
    }

    static byte[] segment(int marker, byte[] body) {
        byte[] segment = new byte[4 + body.length];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) marker;
        segment[2] = (byte) ((body.length + 2) >> 8);
        segment[3] = (byte) (body.length + 2);
        System.arraycopy(body, 0, segment, 4, body.length);
        return segment;
    }

    /**
     * The JPEG with each marker segment before the first scan (marker, length and body)
     * replaced by what {@code edit} makes of it; the rest is kept as it is.
     */
    static byte[] edit(byte[] jpeg, UnaryOperator<byte[]> edit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int pos = 2;
        while (pos < jpeg.length) {
            int marker = jpeg[pos + 1] & 0xff;
            int length = (jpeg[pos + 2] & 0xff) << 8 | (jpeg[pos + 3] & 0xff);
            byte[] segment = new byte[2 + length];
            System.arraycopy(jpeg, pos, segment, 0, segment.length);
            out.writeBytes(edit.apply(segment));
            pos += segment.length;
            if (marker == 0xDA) {
                break;
            }
        }
        out.write(jpeg, pos, jpeg.length - pos);
        return out.toByteArray();
    }

}
