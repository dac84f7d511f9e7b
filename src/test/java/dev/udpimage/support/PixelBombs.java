package dev.udpimage.support;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Images of a few hundred bytes whose headers claim huge dimensions, in every format the
 * JDK's ImageIO reads: what decodes to gigabytes if anything believes the header. Built
 * byte by byte from the formats' specifications; each is a valid header followed by far
 * too little (or highly compressible) pixel data.
 */
public final class PixelBombs {

    private PixelBombs() {
    }

    /**
     * The formats: ImageIO's names, and GIF with a 2- and a 256-colour table.
     */
    public static final String[] FORMATS = { "png", "gif2", "gif256", "bmp", "jpeg", "tiff", "wbmp" };

    /** Pixel data up to this long is written whole. */
    private static final long SMALL = 1 << 20;

    public static byte[] of(String format, int width, int height) {
        return switch (format) {
            case "png" -> png(width, height);
            case "gif2" -> gif(width, height, 1);
            case "gif256" -> gif(width, height, 8);
            case "bmp" -> bmp(width, height);
            case "jpeg" -> jpeg(width, height);
            case "tiff" -> tiff(width, height);
            case "wbmp" -> wbmp(width, height);
            default -> throw new IllegalArgumentException(format);
        };
    }

    /** IHDR (8-bit greyscale), one IDAT of a deflated run of zeros, IEND. */
    static byte[] png(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).array());
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[64 * 1024]); // the first rows' worth of zeros
        deflater.finish();
        byte[] compressed = new byte[4096];
        int length = deflater.deflate(compressed);
        chunk(out, "IDAT", java.util.Arrays.copyOf(compressed, length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        out.writeBytes(chunk.array());
    }

    /**
     * GIF89a with a global colour table of {@code 2^bits} colours, one image of the full
     * size, a few bytes of LZW data.
     */
    static byte[] gif(int width, int height, int bits) {
        ByteBuffer out = ByteBuffer.allocate(64 + 3 * (1 << bits)).order(ByteOrder.LITTLE_ENDIAN);
        out.put("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.putShort((short) width).putShort((short) height);
        out.put((byte) (0x80 | ((bits - 1) << 4) | (bits - 1))).put((byte) 0).put((byte) 0);
        for (int i = 0; i < (1 << bits); i++) {
            out.put((byte) i).put((byte) i).put((byte) i);
        }
        out.put((byte) 0x2c).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height);
        out.put((byte) 0);
        out.put((byte) Math.max(2, bits)); // LZW minimum code size
        out.put((byte) 4).put(new byte[] { 0x44, 0x01, 0x00, 0x00 }).put((byte) 0);
        out.put((byte) 0x3b);
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    /**
     * BITMAPFILEHEADER + BITMAPINFOHEADER, 24 bits a pixel; all its pixels when they are
     * few, else a few bytes of them (the JDK's reader refuses a BMP whose file is shorter
     * than its header's pixels).
     */
    static byte[] bmp(int width, int height) {
        long rows = ((long) width * 3 + 3) / 4 * 4 * height;
        int pixels = rows <= SMALL ? (int) rows : 64;
        ByteBuffer out = ByteBuffer.allocate(54 + pixels).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 'B').put((byte) 'M').putInt(54 + pixels).putInt(0).putInt(54);
        out.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0).putInt(0);
        out.putInt(2835).putInt(2835).putInt(0).putInt(0);
        return out.array();
    }

    /** A real 16x16 JPEG whose SOF0 segment then claims {@code width x height}. */
    static byte[] jpeg(int width, int height) {
        byte[] jpeg = TestImages.jpeg(TestImages.photo(16, 16, 10, 1), 0.8f);
        for (int i = 2; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                ByteBuffer.wrap(jpeg, i + 5, 4).putShort((short) height).putShort((short) width);
                return jpeg;
            }
        }
        throw new IllegalStateException("no SOF0 in the test JPEG");
    }

    /** Little-endian TIFF, 8-bit greyscale, uncompressed, one strip of a few bytes. */
    static byte[] tiff(int width, int height) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            short[][] entries = { { 256, 4 }, { 257, 4 }, { 258, 3 }, { 259, 3 }, { 262, 3 }, { 273, 4 }, { 277, 3 },
                    { 278, 4 }, { 279, 4 } };
            long[] values = { width, height, 8, 1, 1, 0, 1, height, 16 };
            int ifd = 8;
            int data = ifd + 2 + entries.length * 12 + 4;
            values[5] = data;
            ByteBuffer buffer = ByteBuffer.allocate(data + 16).order(ByteOrder.LITTLE_ENDIAN);
            buffer.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
            buffer.putShort((short) entries.length);
            for (int i = 0; i < entries.length; i++) {
                buffer.putShort(entries[i][0]).putShort(entries[i][1]).putInt(1);
                if (entries[i][1] == 3) {
                    buffer.putShort((short) values[i]).putShort((short) 0);
                }
                else {
                    buffer.putInt((int) values[i]);
                }
            }
            buffer.putInt(0);
            out.write(buffer.array());
            return bytes.toByteArray();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * WBMP type 0: width and height as multi-byte integers; all its pixels when they are
     * few, else a few bytes of them (the JDK recognises a WBMP only when its length
     * matches its header).
     */
    static byte[] wbmp(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        multiByte(out, width);
        multiByte(out, height);
        long bits = ((long) width + 7) / 8 * height;
        out.writeBytes(new byte[bits <= SMALL ? (int) bits : 32]);
        return out.toByteArray();
    }

    private static void multiByte(ByteArrayOutputStream out, int value) {
        int groups = 1;
        while ((value >>> (7 * groups)) != 0) {
            groups++;
        }
        for (int i = groups - 1; i >= 0; i--) {
            int group = (value >>> (7 * i)) & 0x7f;
            out.write(i > 0 ? group | 0x80 : group);
        }
    }

}
