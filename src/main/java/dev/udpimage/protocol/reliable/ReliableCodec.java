package dev.udpimage.protocol.reliable;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The reliable mode's datagrams (docs/reliable-protocol.md, section 2): a 12-byte header
 * (magic, version, type, transfer id), a body, and a checksum of everything before it:
 * CRC32C in version 1, CRC-32 (zlib's, which Python's standard library computes natively)
 * in version 2. The image checksum of a START is the same algorithm. A receiver answers
 * in the version it was sent. Pure Java.
 */
public final class ReliableCodec {

    public static final int MAGIC = 0xB7525549; // 0xB7 'R' 'U' 'I'

    /** CRC32C checksums: what the Java sender sends. */
    public static final int VERSION = 1;

    /**
     * CRC-32 (zlib) checksums, for senders whose CRC32C would be slow (Python's stdlib).
     */
    public static final int VERSION_CRC32 = 2;

    public static final int HEADER = 12;

    public static final int CRC = 4;

    /** Shortest reliable datagram: never 8 bytes, so never a legacy header. */
    public static final int MIN_DATAGRAM = 16;

    /**
     * Largest chunk: a DATA datagram (header, sequence, chunk, CRC) must fit 65 507
     * bytes.
     */
    public static final int MAX_CHUNK = 65_507 - HEADER - 4 - CRC;

    /** Most bitmap bytes in an ACK (8 192 sequence numbers past the cumulative one). */
    public static final int MAX_BITMAP = 1024;

    public sealed interface Message permits Start, Data, Ack, Done, Abort {

        int transferId();

    }

    public record Start(int transferId, long totalLength, int chunkSize, int chunkCount,
            int imageCrc) implements Message {
    }

    /** {@code chunk} is a view: offset and length into {@code bytes}. */
    public record Data(int transferId, int sequence, byte[] bytes, int offset, int length) implements Message {
    }

    /**
     * Every sequence number below {@code cumulative} arrived; bit i of the bitmap:
     * {@code cumulative + 1 + i}.
     */
    public record Ack(int transferId, int cumulative, byte[] bitmap) implements Message {

        public boolean has(int sequence) {
            if (sequence < this.cumulative) {
                return true;
            }
            int bit = sequence - this.cumulative - 1;
            return bit >= 0 && bit / 8 < this.bitmap.length && (this.bitmap[bit / 8] & (0x80 >>> (bit % 8))) != 0;
        }
    }

    public record Done(int transferId, int status) implements Message {

        public static final int STORED = 0;

        public static final int CRC_MISMATCH = 1;

        public static final int NOT_AN_IMAGE = 2;

        /**
         * The receiver could not store it now (its store busy or unavailable): try again
         * later.
         */
        public static final int NOT_STORED = 3;

    }

    public record Abort(int transferId, int reason) implements Message {

        public static final int DEADLINE = 1;

        public static final int TOO_LARGE = 2;

        public static final int BUSY = 3;

        public static final int STALLED = 4;

    }

    private static final int START = 1;

    private static final int DATA = 2;

    private static final int ACK = 3;

    private static final int DONE = 4;

    private static final int ABORT = 5;

    private ReliableCodec() {
    }

    /**
     * Whether a datagram claims to be a reliable-mode datagram (magic and length; the CRC
     * is checked later).
     */
    public static boolean isReliable(byte[] datagram) {
        // byte by byte: this runs for every datagram on the image port, legacy ones
        // included
        return datagram.length >= MIN_DATAGRAM && datagram[0] == (byte) (MAGIC >>> 24)
                && datagram[1] == (byte) (MAGIC >>> 16) && datagram[2] == (byte) (MAGIC >>> 8)
                && datagram[3] == (byte) MAGIC;
    }

    public static byte[] encode(Message message) {
        return encode(message, VERSION);
    }

    /** The checksum of {@code version}: CRC32C (1) or CRC-32 (2). */
    public static Checksum checksum(int version) {
        return version == VERSION_CRC32 ? new CRC32() : new CRC32C();
    }

    /** The version byte of a datagram that {@link #isReliable} accepted. */
    public static int version(byte[] datagram) {
        return datagram[4] & 0xff;
    }

    public static byte[] encode(Message message, int version) {
        if (version != VERSION && version != VERSION_CRC32) {
            throw new IllegalArgumentException("no reliable-mode version " + version);
        }
        ByteBuffer out;
        if (message instanceof Start start) {
            out = header(START, start.transferId(), 8 + 2 + 4 + 4, version);
            out.putLong(start.totalLength())
                .putShort((short) start.chunkSize())
                .putInt(start.chunkCount())
                .putInt(start.imageCrc());
        }
        else if (message instanceof Data data) {
            out = header(DATA, data.transferId(), 4 + data.length(), version);
            out.putInt(data.sequence()).put(data.bytes(), data.offset(), data.length());
        }
        else if (message instanceof Ack ack) {
            out = header(ACK, ack.transferId(), 4 + 2 + ack.bitmap().length, version);
            out.putInt(ack.cumulative()).putShort((short) ack.bitmap().length).put(ack.bitmap());
        }
        else if (message instanceof Done done) {
            out = header(DONE, done.transferId(), 1, version);
            out.put((byte) done.status());
        }
        else {
            Abort abort = (Abort) message;
            out = header(ABORT, abort.transferId(), 1, version);
            out.put((byte) abort.reason());
        }
        Checksum crc = checksum(version);
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    private static ByteBuffer header(int type, int transferId, int body, int version) {
        // at least 17 bytes: every type has a body
        return ByteBuffer.allocate(HEADER + body + CRC)
            .putInt(MAGIC)
            .put((byte) version)
            .put((byte) type)
            .putShort((short) 0)
            .putInt(transferId);
    }

    /**
     * Decodes a datagram.
     * @return the message, or {@code null} if it is not a valid reliable datagram of this
     * version (wrong magic, length or type, or a CRC that does not match: a corrupt
     * datagram)
     */
    public static Message decode(byte[] datagram) {
        if (!isReliable(datagram)) {
            return null;
        }
        int version = version(datagram);
        if (version != VERSION && version != VERSION_CRC32) {
            return null;
        }
        int end = datagram.length - CRC;
        Checksum crc = checksum(version);
        crc.update(datagram, 0, end);
        ByteBuffer in = ByteBuffer.wrap(datagram);
        if (in.getInt(end) != (int) crc.getValue()) {
            return null;
        }
        in.position(5);
        int type = in.get() & 0xff;
        in.getShort();
        int transferId = in.getInt();
        int body = end - HEADER;
        switch (type) {
            case START:
                if (body != 18) {
                    return null;
                }
                return new Start(transferId, in.getLong(), in.getShort() & 0xffff, in.getInt(), in.getInt());
            case DATA:
                if (body < 4) {
                    return null;
                }
                return new Data(transferId, in.getInt(), datagram, HEADER + 4, body - 4);
            case ACK:
                if (body < 6) {
                    return null;
                }
                int cumulative = in.getInt();
                int length = in.getShort() & 0xffff;
                if (length != body - 6 || length > MAX_BITMAP) {
                    return null;
                }
                byte[] bitmap = new byte[length];
                in.get(bitmap);
                return new Ack(transferId, cumulative, bitmap);
            case DONE:
                return body >= 1 ? new Done(transferId, in.get() & 0xff) : null;
            case ABORT:
                return body >= 1 ? new Abort(transferId, in.get() & 0xff) : null;
            default:
                return null;
        }
    }

}
