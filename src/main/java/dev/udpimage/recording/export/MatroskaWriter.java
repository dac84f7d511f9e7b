package dev.udpimage.recording.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes JPEG frames as a Matroska video (codec {@code V_MJPEG}) without re-encoding
 * them, each at its own time (variable frame rate, millisecond timestamps), to a stream
 * that cannot seek: the segment's size is left unknown, as live Matroska writers do, and
 * each cluster (at most {@link #CLUSTER_BYTES} or {@link #CLUSTER_MILLIS}) is held in
 * memory only until it is complete, so what an export holds is bounded whatever its
 * length. ffprobe, ffmpeg and VLC read it; the {@code Info} carries the duration and the
 * first frame's wall-clock time ({@code DateUTC}).
 */
public final class MatroskaWriter {

    /** Most bytes of frames a cluster gathers before it is written. */
    static final int CLUSTER_BYTES = 1 << 20;

    /** A block's time is a signed 16-bit offset from its cluster's, in milliseconds. */
    static final long CLUSTER_MILLIS = 30_000;

    /** Matroska's epoch, 2001-01-01T00:00:00Z. */
    private static final Instant MATROSKA_EPOCH = Instant.parse("2001-01-01T00:00:00Z");

    private static final byte[] UNKNOWN_SIZE = { 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF };

    private final OutputStream out;

    private final ByteArrayOutputStream cluster = new ByteArrayOutputStream();

    private long clusterMillis = -1;

    private long lastMillis = -1;

    private long frames;

    /**
     * Writes the header.
     * @param start the wall-clock time of the first frame
     * @param durationMillis the video's length
     */
    public MatroskaWriter(OutputStream out, int width, int height, Instant start, double durationMillis)
            throws IOException {
        this.out = out;
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        element(header, 0x1A45DFA3, concat(uint(0x4286, 1), uint(0x42F7, 1), uint(0x42F2, 4), uint(0x42F3, 8),
                string(0x4282, "matroska"), uint(0x4287, 4), uint(0x4285, 2)));
        writeId(header, 0x18538067);
        header.write(UNKNOWN_SIZE);
        long dateNanos = java.time.Duration.between(MATROSKA_EPOCH, start).toNanos();
        element(header, 0x1549A966, concat(uint(0x2AD7B1, 1_000_000), float64(0x4489, Math.max(durationMillis, 1)),
                sint(0x4461, dateNanos), string(0x4D80, "udp-image-service"), string(0x5741, "udp-image-service")));
        byte[] video = concat(uint(0xB0, width), uint(0xBA, height));
        byte[] track = concat(uint(0xD7, 1), uint(0x73C5, 1), uint(0x83, 1), uint(0x9C, 0), string(0x86, "V_MJPEG"),
                elementBytes(0xE0, video));
        element(header, 0x1654AE6B, elementBytes(0xAE, track));
        header.writeTo(out);
    }

    /**
     * Adds a frame at {@code millis} from the start (times never go back: an earlier time
     * is taken as the last one).
     */
    public void frame(long millis, byte[] jpeg) throws IOException {
        long at = Math.max(millis, this.lastMillis);
        if (this.clusterMillis < 0 || at - this.clusterMillis > Short.MAX_VALUE
                || this.cluster.size() + jpeg.length > CLUSTER_BYTES && this.cluster.size() > 0) {
            flushCluster();
            this.clusterMillis = at;
            this.cluster.write(uint(0xE7, at));
        }
        int relative = (int) (at - this.clusterMillis);
        ByteArrayOutputStream block = new ByteArrayOutputStream(jpeg.length + 4);
        block.write(0x81); // track 1
        block.write(relative >> 8);
        block.write(relative);
        block.write(0x80); // a keyframe: every MJPEG frame is
        block.write(jpeg);
        writeId(this.cluster, 0xA3);
        writeSize(this.cluster, block.size());
        block.writeTo(this.cluster);
        this.lastMillis = at;
        this.frames++;
    }

    public long frames() {
        return this.frames;
    }

    /** Writes the last cluster. */
    public void finish() throws IOException {
        flushCluster();
        this.out.flush();
    }

    private void flushCluster() throws IOException {
        if (this.cluster.size() == 0) {
            return;
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream(16);
        writeId(head, 0x1F43B675);
        writeSize(head, this.cluster.size());
        head.writeTo(this.out);
        this.cluster.writeTo(this.out);
        this.cluster.reset();
    }

    // ---- EBML
    // -------------------------------------------------------------------------------------------------

    private static void element(ByteArrayOutputStream out, int id, byte[] payload) throws IOException {
        writeId(out, id);
        writeSize(out, payload.length);
        out.write(payload);
    }

    private static byte[] elementBytes(int id, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 12);
        element(out, id, payload);
        return out.toByteArray();
    }

    /** An id is written as its bytes, which carry their own length marker. */
    private static void writeId(ByteArrayOutputStream out, int id) {
        int bytes = (id & 0xFF000000) != 0 ? 4 : (id & 0xFF0000) != 0 ? 3 : (id & 0xFF00) != 0 ? 2 : 1;
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(id >>> (8 * i));
        }
    }

    /** A size as an EBML variable-length integer, 1 to 8 bytes. */
    static void writeSize(ByteArrayOutputStream out, long size) {
        int length = 1;
        while (length < 8 && size >= (1L << (7 * length)) - 1) {
            length++;
        }
        long marked = size | (1L << (7 * length));
        for (int i = length - 1; i >= 0; i--) {
            out.write((int) (marked >>> (8 * i)));
        }
    }

    private static byte[] uint(int id, long value) throws IOException {
        int length = 1;
        while (length < 8 && (value >>> (8 * length)) != 0) {
            length++;
        }
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (value >>> (8 * (length - 1 - i)));
        }
        return elementBytes(id, bytes);
    }

    private static byte[] sint(int id, long value) throws IOException {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (8 * (7 - i)));
        }
        return elementBytes(id, bytes);
    }

    private static byte[] float64(int id, double value) throws IOException {
        long bits = Double.doubleToLongBits(value);
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (bits >>> (8 * (7 - i)));
        }
        return elementBytes(id, bytes);
    }

    private static byte[] string(int id, String value) throws IOException {
        return elementBytes(id, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

}
