package dev.udpimage.recording.export;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of an MCAP file after Data End: the summary section (Schema, Channel, Chunk
 * Index and Statistics records, grouped by opcode), one Summary Offset per group, the
 * Footer and the closing magic.
 */
final class McapSummary {

    private final McapOutput out;

    private final List<byte[]> schemas;

    private final List<McapChannel> channels;

    private final McapChunks chunks;

    private final McapBuffer buffer = new McapBuffer(256);

    /** opcode, start, length of each group written. */
    private final List<long[]> groups = new ArrayList<>();

    McapSummary(McapOutput out, List<byte[]> schemas, List<McapChannel> channels, McapChunks chunks) {
        this.out = out;
        this.schemas = schemas;
        this.channels = channels;
        this.chunks = chunks;
    }

    /**
     * Writes it all, from Data End on (where the output's CRC was reset).
     * @param first the earliest log time, 0 without messages
     * @param last the latest log time, 0 without messages
     */
    void write(long messages, long first, long last) throws IOException {
        long summaryStart = this.out.position();
        group(McapWriter.SCHEMA, () -> {
            for (byte[] schema : this.schemas) {
                this.out.write(schema);
            }
        });
        group(McapWriter.CHANNEL, () -> {
            for (McapChannel channel : this.channels) {
                this.out.write(channel.record);
            }
        });
        group(McapWriter.CHUNK_INDEX, () -> this.out.write(this.chunks.indexes()));
        group(McapWriter.STATISTICS, () -> statistics(messages, first, last));
        long summaryOffsetStart = this.out.position();
        for (long[] group : this.groups) {
            this.buffer.reset();
            int at = this.buffer.beginRecord(McapWriter.SUMMARY_OFFSET);
            this.buffer.u8((int) group[0]).u64(group[1]).u64(group[2]).endRecord(at);
            this.out.write(this.buffer);
        }
        this.buffer.reset();
        this.buffer.u8(McapWriter.FOOTER).u64(8 + 8 + 4).u64(summaryStart).u64(summaryOffsetStart);
        this.out.write(this.buffer);
        this.buffer.reset();
        this.buffer.u32(this.out.crc()).bytes(McapWriter.MAGIC);
        this.out.write(this.buffer);
    }

    private void statistics(long messages, long first, long last) throws IOException {
        this.buffer.reset();
        int at = this.buffer.beginRecord(McapWriter.STATISTICS);
        this.buffer.u64(messages)
            .u16(this.schemas.size())
            .u32(this.channels.size())
            .u32(0) // attachments
            .u32(0) // metadata
            .u32(this.chunks.count())
            .u64(first)
            .u64(last)
            .u32(10L * this.channels.size());
        for (McapChannel channel : this.channels) {
            this.buffer.u16(channel.id).u64(channel.count);
        }
        this.buffer.endRecord(at);
        this.out.write(this.buffer);
    }

    /** Writes a group of records of one opcode, and remembers it when it is not empty. */
    private void group(int opcode, Records records) throws IOException {
        long start = this.out.position();
        records.write();
        long length = this.out.position() - start;
        if (length > 0) {
            this.groups.add(new long[] { opcode, start, length });
        }
    }

    @FunctionalInterface
    private interface Records {

        void write() throws IOException;

    }

}
