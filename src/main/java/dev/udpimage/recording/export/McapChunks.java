package dev.udpimage.recording.export;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The data section's chunks: gathers records into one chunk of at most
 * {@code chunkBytes}, writes it (uncompressed, with its CRC) followed by one Message
 * Index per channel in it, and keeps a Chunk Index of each for the summary. A message
 * larger than a chunk is written as a chunk of its own, streamed from the caller's
 * arrays.
 */
final class McapChunks {

    private final McapOutput out;

    private final int chunkBytes;

    private final McapBuffer chunk;

    private final List<McapChannel> inChunk = new ArrayList<>();

    private long first = Long.MAX_VALUE;

    private long last = Long.MIN_VALUE;

    private final McapBuffer indexes = new McapBuffer(1024);

    private int count;

    private final McapBuffer scratch = new McapBuffer(64);

    McapChunks(McapOutput out, int chunkBytes) {
        this.out = out;
        this.chunkBytes = chunkBytes;
        this.chunk = new McapBuffer(Math.min(chunkBytes, 64 * 1024), chunkBytes);
    }

    /** Whether a chunk is being gathered. */
    boolean open() {
        return this.chunk.size() > 0;
    }

    /** Adds a record (a schema or a channel) to the chunk being gathered. */
    void add(byte[] record) {
        this.chunk.bytes(record);
    }

    /**
     * Adds a message: to the chunk, written first if the message does not fit; or, when
     * larger than a chunk, as a chunk of its own.
     */
    void message(McapChannel channel, long logTime, long publishTime, byte[][] parts) throws IOException {
        long dataLength = 0;
        for (byte[] part : parts) {
            dataLength += part.length;
        }
        long recordLength = McapWriter.MESSAGE_OVERHEAD + dataLength;
        if (open() && this.chunk.size() + recordLength > this.chunkBytes) {
            flush();
        }
        if (recordLength > this.chunkBytes) {
            alone(channel, logTime, publishTime, dataLength, parts);
            return;
        }
        index(channel, logTime, this.chunk.size());
        int at = this.chunk.beginRecord(McapWriter.MESSAGE);
        this.chunk.u16(channel.id).u32(channel.sequence).u64(logTime).u64(publishTime);
        for (byte[] part : parts) {
            this.chunk.bytes(part);
        }
        this.chunk.endRecord(at);
    }

    /** Writes the chunk being gathered, if any. */
    void flush() throws IOException {
        if (!open()) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(this.chunk.array(), 0, this.chunk.size());
        write(this.chunk.size(), crc.getValue(), () -> this.out.write(this.chunk));
        this.chunk.reset();
    }

    /** The Chunk Index records of the chunks written. */
    McapBuffer indexes() {
        return this.indexes;
    }

    /** Chunks written. */
    int count() {
        return this.count;
    }

    private void alone(McapChannel channel, long logTime, long publishTime, long dataLength, byte[][] parts)
            throws IOException {
        this.scratch.reset();
        this.scratch.u8(McapWriter.MESSAGE).u64(McapWriter.MESSAGE_OVERHEAD - 9 + dataLength);
        this.scratch.u16(channel.id).u32(channel.sequence).u64(logTime).u64(publishTime);
        byte[] head = this.scratch.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(head);
        for (byte[] part : parts) {
            crc.update(part);
        }
        index(channel, logTime, 0);
        write(head.length + dataLength, crc.getValue(), () -> {
            this.out.write(head);
            for (byte[] part : parts) {
                this.out.write(part);
            }
        });
    }

    private void index(McapChannel channel, long logTime, long offset) {
        if (channel.index.size() == 0) {
            this.inChunk.add(channel);
        }
        channel.index.u64(logTime).u64(offset);
        this.first = Math.min(this.first, logTime);
        this.last = Math.max(this.last, logTime);
    }

    /** Writes a Chunk ({@code records} after its header) and its Message Indexes. */
    private void write(long recordsLength, long crc, Records records) throws IOException {
        long firstTime = this.inChunk.isEmpty() ? 0 : this.first;
        long lastTime = this.inChunk.isEmpty() ? 0 : this.last;
        long start = this.out.position();
        this.scratch.reset();
        this.scratch.u8(McapWriter.CHUNK).u64(8 + 8 + 8 + 4 + 4 + 8 + recordsLength);
        this.scratch.u64(firstTime).u64(lastTime).u64(recordsLength).u32(crc).string("").u64(recordsLength);
        this.out.write(this.scratch);
        records.write();
        long chunkLength = this.out.position() - start;
        long indexesStart = this.out.position();
        long[] indexOffsets = new long[this.inChunk.size()];
        for (int i = 0; i < indexOffsets.length; i++) {
            McapChannel channel = this.inChunk.get(i);
            indexOffsets[i] = this.out.position();
            this.scratch.reset();
            this.scratch.u8(McapWriter.MESSAGE_INDEX).u64(2 + 4 + channel.index.size());
            this.scratch.u16(channel.id).u32(channel.index.size());
            this.out.write(this.scratch);
            this.out.write(channel.index);
            channel.index.reset();
        }
        int at = this.indexes.beginRecord(McapWriter.CHUNK_INDEX);
        this.indexes.u64(firstTime).u64(lastTime).u64(start).u64(chunkLength).u32(10L * indexOffsets.length);
        for (int i = 0; i < indexOffsets.length; i++) {
            this.indexes.u16(this.inChunk.get(i).id).u64(indexOffsets[i]);
        }
        this.indexes.u64(this.out.position() - indexesStart).string("").u64(recordsLength).u64(recordsLength);
        this.indexes.endRecord(at);
        this.inChunk.clear();
        this.first = Long.MAX_VALUE;
        this.last = Long.MIN_VALUE;
        this.count++;
    }

    @FunctionalInterface
    private interface Records {

        void write() throws IOException;

    }

}
