package dev.udpimage.recording.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an MCAP file (<a href="https://mcap.dev/spec">mcap.dev/spec</a>, major version
 * 0) to a stream that cannot seek, such as an HTTP response: messages are gathered into
 * uncompressed chunks of at most {@code chunkBytes} of records, and each chunk is
 * written, with its message indexes, when the next message would not fit in it; a message
 * larger than that is written in a chunk of its own, straight from the caller's arrays.
 * What the writer holds is therefore one chunk and the log times and offsets of its
 * messages, plus the summary it writes at the end: the schemas, the channels, their
 * message counts and one chunk index per chunk. Readers that seek (the index, statistics
 * and CRCs in the summary) and readers that stream (every record in order) can both read
 * the result.
 * <p>
 * A schema or channel is written when it is declared: before the chunks, or inside the
 * chunk being gathered, so always before the first message that refers to it; the summary
 * repeats all of them. Each channel numbers its messages 1, 2, 3 ... (the MCAP sequence).
 * Times are {@code uint64} nanoseconds since an epoch of the caller's choosing (the Unix
 * epoch for Foxglove and ROS 2); a channel's log times must never go back, while
 * different channels' may interleave in any order.
 * <p>
 * What the messages hold is the caller's. {@link FoxgloveJson} encodes the default
 * flavour, for Foxglove and any MCAP reader (JSON; frames as
 * {@code foxglove.CompressedImage}); {@link Ros2Messages} that of the {@code ros2}
 * profile, for ROS 2 tools such as rosbag2 (CDR; frames as
 * {@code sensor_msgs/msg/CompressedImage}).
 * <p>
 * Not thread-safe. Nothing is written after {@link #finish()}, and the output stream is
 * never closed here.
 */
public final class McapWriter {

    /** The default most bytes of records a chunk gathers. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    /** What the Header names as the library that wrote the file. */
    public static final String LIBRARY = "udp-image-service";

    static final byte[] MAGIC = { (byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n' };

    static final int HEADER = 0x01, FOOTER = 0x02, SCHEMA = 0x03, CHANNEL = 0x04, MESSAGE = 0x05, CHUNK = 0x06,
            MESSAGE_INDEX = 0x07, CHUNK_INDEX = 0x08, STATISTICS = 0x0B, SUMMARY_OFFSET = 0x0E, DATA_END = 0x0F;

    /** A Message record's opcode, length, channel, sequence, log and publish time. */
    static final int MESSAGE_OVERHEAD = 1 + 8 + 2 + 4 + 8 + 8;

    private final McapOutput out;

    private final McapChunks chunks;

    private final List<byte[]> schemas = new ArrayList<>();

    private final List<McapChannel> channels = new ArrayList<>();

    private long messages;

    private long first = Long.MAX_VALUE;

    private long last = Long.MIN_VALUE;

    private boolean finished;

    /** {@link #McapWriter(OutputStream, String, int)} with 1 MiB chunks. */
    public McapWriter(OutputStream out, String profile) throws IOException {
        this(out, profile, DEFAULT_CHUNK_BYTES);
    }

    /**
     * Writes the magic and the Header.
     * @param profile the Header's profile: {@code ""} for none, {@code "ros2"} when every
     * channel is CDR with a {@code ros2msg} schema and QoS metadata
     * ({@link Ros2Messages})
     * @param chunkBytes the most bytes of records a chunk gathers (at least 1)
     */
    public McapWriter(OutputStream out, String profile, int chunkBytes) throws IOException {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive: " + chunkBytes);
        }
        this.out = new McapOutput(out);
        this.chunks = new McapChunks(this.out, chunkBytes);
        this.out.write(MAGIC);
        McapBuffer header = new McapBuffer(64);
        int at = header.beginRecord(HEADER);
        header.string(profile).string(LIBRARY).endRecord(at);
        this.out.write(header);
    }

    /**
     * Declares a schema.
     * @param encoding e.g. {@code jsonschema}, {@code ros2msg}
     * @return its id, from 1
     */
    public int schema(String name, String encoding, byte[] data) throws IOException {
        checkOpen();
        if (this.schemas.size() == 0xFFFF) {
            throw new IllegalStateException("an MCAP file has at most 65535 schemas");
        }
        int id = this.schemas.size() + 1;
        McapBuffer record = new McapBuffer(data.length + name.length() + encoding.length() + 32);
        int at = record.beginRecord(SCHEMA);
        record.u16(id).string(name).string(encoding).u32(data.length).bytes(data).endRecord(at);
        this.schemas.add(record.toByteArray());
        declare(this.schemas.get(id - 1));
        return id;
    }

    /**
     * Declares a channel.
     * @param schemaId a declared schema's id, or 0 for none
     * @param messageEncoding e.g. {@code json}, {@code cdr}
     * @param metadata written in its iteration order
     * @return its id, from 1
     */
    public int channel(int schemaId, String topic, String messageEncoding, Map<String, String> metadata)
            throws IOException {
        checkOpen();
        if (schemaId < 0 || schemaId > this.schemas.size()) {
            throw new IllegalArgumentException("no schema " + schemaId);
        }
        if (this.channels.size() == 0xFFFF) {
            throw new IllegalStateException("an MCAP file has at most 65535 channels");
        }
        int id = this.channels.size() + 1;
        McapBuffer record = new McapBuffer(64 + topic.length());
        int at = record.beginRecord(CHANNEL);
        record.u16(id).u16(schemaId).string(topic).string(messageEncoding).map(new LinkedHashMap<>(metadata));
        record.endRecord(at);
        McapChannel channel = new McapChannel(id, record.toByteArray());
        this.channels.add(channel);
        declare(channel.record);
        return id;
    }

    /**
     * Adds a message whose data is {@code parts} one after the other, so that a caller
     * can put an encoded header before large bytes without joining them first: the parts
     * are copied once into the chunk, or written as they are when the message does not
     * fit in a chunk.
     * @param logTimeNanos when it was recorded: never before the channel's previous
     * message's
     * @param publishTimeNanos when it was published (the log time when unknown)
     */
    public void message(int channelId, long logTimeNanos, long publishTimeNanos, byte[]... parts) throws IOException {
        checkOpen();
        if (channelId < 1 || channelId > this.channels.size()) {
            throw new IllegalArgumentException("no channel " + channelId);
        }
        McapChannel channel = this.channels.get(channelId - 1);
        if (logTimeNanos < 0 || publishTimeNanos < 0) {
            throw new IllegalArgumentException("times are unsigned: " + logTimeNanos + ", " + publishTimeNanos);
        }
        if (logTimeNanos < channel.lastLogTime) {
            throw new IllegalArgumentException("log time " + logTimeNanos + " is before channel " + channelId
                    + "'s previous message's, " + channel.lastLogTime);
        }
        channel.lastLogTime = logTimeNanos;
        channel.sequence++;
        channel.count++;
        this.messages++;
        this.first = Math.min(this.first, logTimeNanos);
        this.last = Math.max(this.last, logTimeNanos);
        this.chunks.message(channel, logTimeNanos, publishTimeNanos, parts);
    }

    /** Messages added so far. */
    public long messages() {
        return this.messages;
    }

    /** Bytes written to the stream so far. */
    public long position() {
        return this.out.position();
    }

    /**
     * Writes the last chunk, Data End, the summary (schemas, channels, chunk indexes,
     * statistics), the summary offsets, the Footer and the closing magic, then flushes
     * the stream (it stays open). Further calls do nothing.
     */
    public void finish() throws IOException {
        if (this.finished) {
            return;
        }
        this.finished = true;
        this.chunks.flush();
        McapBuffer dataEnd = new McapBuffer(16);
        int at = dataEnd.beginRecord(DATA_END);
        dataEnd.u32(this.out.crc()).endRecord(at);
        this.out.write(dataEnd);
        this.out.resetCrc();
        new McapSummary(this.out, this.schemas, this.channels, this.chunks).write(this.messages,
                this.messages == 0 ? 0 : this.first, this.messages == 0 ? 0 : this.last);
        this.out.flush();
    }

    /** Into the data section while no chunk is being gathered, else into the chunk. */
    private void declare(byte[] record) throws IOException {
        if (this.chunks.open()) {
            this.chunks.add(record);
        }
        else {
            this.out.write(record);
        }
    }

    private void checkOpen() {
        if (this.finished) {
            throw new IllegalStateException("the MCAP file is finished");
        }
    }

}
