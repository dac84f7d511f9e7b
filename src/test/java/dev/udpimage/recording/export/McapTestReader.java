package dev.udpimage.recording.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A reader of MCAP written for the tests from the specification, sharing nothing with
 * {@link McapWriter}: it walks every record in order and checks, with AssertJ, the magic,
 * the record framing, that schemas and channels come before their use, each chunk's CRC,
 * sizes and times, each message index against the messages, Data End's CRC, the summary
 * against the data section (schemas, channels, chunk indexes, statistics), the summary
 * offsets and the Footer with its CRC.
 */
final class McapTestReader {

    static final byte[] MAGIC = { (byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n' };

    record Message(int channel, long sequence, long logTime, long publishTime, byte[] data) {
    }

    record Chunk(long offset, long length, long start, long end, long recordsLength, List<Message> messages,
            Map<Integer, Long> indexOffsets, long indexLength) {
    }

    record Statistics(long messages, int schemas, long channels, long chunks, long start, long end,
            Map<Integer, Long> channelCounts) {
    }

    final String profile;

    final String library;

    final List<Message> messages = new ArrayList<>();

    final List<Chunk> chunks = new ArrayList<>();

    final Map<Integer, byte[]> schemas = new LinkedHashMap<>();

    final Map<Integer, byte[]> channels = new LinkedHashMap<>();

    final Map<Integer, String> topics = new HashMap<>();

    Statistics statistics;

    private final byte[] file;

    private McapTestReader(byte[] file) {
        this.file = file;
        assertThat(Arrays.copyOfRange(file, 0, 8)).as("leading magic").isEqualTo(MAGIC);
        assertThat(Arrays.copyOfRange(file, file.length - 8, file.length)).as("trailing magic").isEqualTo(MAGIC);
        ByteBuffer header = record(8, 0x01);
        this.profile = string(header);
        this.library = string(header);
        int at = 8 + 9 + (int) u64(this.file, 9);
        int dataEnd = -1;
        while (dataEnd < 0) {
            int opcode = this.file[at] & 0xFF;
            ByteBuffer content = record(at, opcode);
            int next = at + 9 + content.limit();
            switch (opcode) {
                case 0x03, 0x04 -> declare(opcode, at, content);
                case 0x06 -> next = chunk(at, content);
                case 0x0F -> dataEnd = at;
                default -> throw new AssertionError("unexpected opcode " + opcode + " at " + at);
            }
            at = next;
        }
        CRC32 crc = new CRC32();
        crc.update(file, 0, dataEnd);
        assertThat(record(dataEnd, 0x0F).getInt() & 0xFFFFFFFFL).as("data_section_crc").isEqualTo(crc.getValue());
        summary(at);
    }

    static McapTestReader read(byte[] file) {
        return new McapTestReader(file);
    }

    List<Message> messagesOn(int channel) {
        return this.messages.stream().filter(m -> m.channel() == channel).toList();
    }

    private void declare(int opcode, int at, ByteBuffer content) {
        byte[] record = Arrays.copyOfRange(this.file, at, at + 9 + content.limit());
        int id = content.getShort() & 0xFFFF;
        if (opcode == 0x03) {
            assertThat(id).as("schema id").isPositive();
            assertThat(this.schemas.putIfAbsent(id, record)).as("schema %d again", id).isNull();
        }
        else {
            int schema = content.getShort() & 0xFFFF;
            assertThat(schema == 0 || this.schemas.containsKey(schema)).as("channel %d's schema %d", id, schema)
                .isTrue();
            this.topics.put(id, string(content));
            assertThat(this.channels.putIfAbsent(id, record)).as("channel %d again", id).isNull();
        }
    }

    /**
     * Reads a chunk and the message indexes after it; returns where the next record
     * starts.
     */
    private int chunk(int at, ByteBuffer content) {
        long start = content.getLong();
        long end = content.getLong();
        long uncompressed = content.getLong();
        long crcValue = content.getInt() & 0xFFFFFFFFL;
        assertThat(string(content)).as("compression").isEmpty();
        long recordsLength = content.getLong();
        assertThat(recordsLength).isEqualTo(uncompressed).isEqualTo(content.remaining());
        int records = at + 9 + content.position();
        CRC32 crc = new CRC32();
        crc.update(this.file, records, (int) recordsLength);
        assertThat(crcValue).as("uncompressed_crc").isEqualTo(crc.getValue());
        List<Message> inChunk = new ArrayList<>();
        Map<Long, Message> byOffset = new HashMap<>();
        int inner = 0;
        while (inner < recordsLength) {
            int opcode = this.file[records + inner] & 0xFF;
            ByteBuffer record = record(records + inner, opcode);
            long length = record.limit();
            if (opcode == 0x05) {
                int channel = record.getShort() & 0xFFFF;
                assertThat(this.channels).as("message before its channel").containsKey(channel);
                long sequence = record.getInt() & 0xFFFFFFFFL;
                long logTime = record.getLong();
                long publishTime = record.getLong();
                byte[] data = new byte[record.remaining()];
                record.get(data);
                Message message = new Message(channel, sequence, logTime, publishTime, data);
                inChunk.add(message);
                byOffset.put((long) inner, message);
            }
            else {
                assertThat(opcode).as("a record in a chunk").isIn(0x03, 0x04);
                declare(opcode, records + inner, record);
            }
            inner += 9 + (int) length;
        }
        assertThat((long) inner).as("records fill the chunk").isEqualTo(recordsLength);
        long min = inChunk.stream().mapToLong(Message::logTime).min().orElse(0);
        long max = inChunk.stream().mapToLong(Message::logTime).max().orElse(0);
        assertThat(start).as("chunk message_start_time").isEqualTo(min);
        assertThat(end).as("chunk message_end_time").isEqualTo(max);
        int next = at + 9 + content.limit();
        int indexStart = next;
        Map<Integer, Long> indexOffsets = new LinkedHashMap<>();
        int indexed = 0;
        while ((this.file[next] & 0xFF) == 0x07) {
            ByteBuffer index = record(next, 0x07);
            int channel = index.getShort() & 0xFFFF;
            assertThat(indexOffsets.put(channel, (long) next)).as("a second index of channel %d", channel).isNull();
            int entries = index.getInt();
            assertThat(entries % 16).isZero();
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < entries / 16; i++) {
                long logTime = index.getLong();
                long offset = index.getLong();
                Message message = byOffset.get(offset);
                assertThat(message).as("index entry at offset %d", offset).isNotNull();
                assertThat(message.channel()).isEqualTo(channel);
                assertThat(message.logTime()).isEqualTo(logTime);
                assertThat(logTime).as("index in log time order").isGreaterThanOrEqualTo(previous);
                previous = logTime;
                indexed++;
            }
            next += 9 + index.limit();
        }
        assertThat(indexed).as("every message indexed once").isEqualTo(inChunk.size());
        assertThat(indexOffsets.keySet()).as("one index per channel in the chunk")
            .containsExactlyInAnyOrderElementsOf(inChunk.stream().map(Message::channel).distinct().toList());
        this.chunks.add(new Chunk(at, 9 + content.limit(), start, end, recordsLength, inChunk, indexOffsets,
                next - indexStart));
        this.messages.addAll(inChunk);
        return next;
    }

    private void summary(int summaryStart) {
        int footer = this.file.length - 8 - 29;
        ByteBuffer content = record(footer, 0x02);
        assertThat(content.limit()).isEqualTo(20);
        long start = content.getLong();
        long offsetStart = content.getLong();
        long summaryCrc = content.getInt() & 0xFFFFFFFFL;
        assertThat(start).as("summary_start").isEqualTo(summaryStart);
        CRC32 crc = new CRC32();
        crc.update(this.file, summaryStart, footer + 1 + 8 + 16 - summaryStart);
        assertThat(summaryCrc).as("summary_crc").isEqualTo(crc.getValue());
        Map<Integer, long[]> groups = new LinkedHashMap<>();
        List<ByteBuffer> chunkIndexes = new ArrayList<>();
        Map<Integer, byte[]> schemas = new LinkedHashMap<>();
        Map<Integer, byte[]> channels = new LinkedHashMap<>();
        int at = summaryStart;
        int previous = -1;
        while (at < offsetStart) {
            int opcode = this.file[at] & 0xFF;
            ByteBuffer record = record(at, opcode);
            int length = 9 + record.limit();
            if (opcode != previous) {
                assertThat(groups).as("records grouped by opcode").doesNotContainKey(opcode);
                groups.put(opcode, new long[] { at, 0 });
            }
            groups.get(opcode)[1] += length;
            previous = opcode;
            switch (opcode) {
                case 0x03 -> schemas.put(record.getShort() & 0xFFFF, Arrays.copyOfRange(this.file, at, at + length));
                case 0x04 -> channels.put(record.getShort() & 0xFFFF, Arrays.copyOfRange(this.file, at, at + length));
                case 0x08 -> chunkIndexes.add(record);
                case 0x0B -> this.statistics = statistics(record);
                default -> throw new AssertionError("unexpected opcode in the summary " + opcode);
            }
            at += length;
        }
        assertThat(schemas).as("summary schemas").containsExactlyInAnyOrderEntriesOf(this.schemas);
        assertThat(channels).as("summary channels").containsExactlyInAnyOrderEntriesOf(this.channels);
        assertThat(chunkIndexes).as("a chunk index per chunk").hasSameSizeAs(this.chunks);
        for (int i = 0; i < chunkIndexes.size(); i++) {
            checkChunkIndex(chunkIndexes.get(i), this.chunks.get(i));
        }
        Map<Integer, long[]> offsets = new LinkedHashMap<>();
        while (at < footer) {
            ByteBuffer record = record(at, 0x0E);
            offsets.put(record.get() & 0xFF, new long[] { record.getLong(), record.getLong() });
            at += 9 + record.limit();
        }
        assertThat(at).as("the footer follows the summary offsets").isEqualTo(footer);
        assertThat(offsets).as("summary offsets").hasSameSizeAs(groups);
        groups.forEach((opcode, group) -> assertThat(offsets.get(opcode)).as("summary offset of %d", opcode)
            .containsExactly(group));
        assertThat(this.statistics).as("statistics").isNotNull();
        checkStatistics();
    }

    private void checkChunkIndex(ByteBuffer index, Chunk chunk) {
        assertThat(index.getLong()).isEqualTo(chunk.start());
        assertThat(index.getLong()).isEqualTo(chunk.end());
        assertThat(index.getLong()).as("chunk_start_offset").isEqualTo(chunk.offset());
        assertThat(this.file[(int) chunk.offset()]).isEqualTo((byte) 0x06);
        assertThat(index.getLong()).as("chunk_length").isEqualTo(chunk.length());
        int mapLength = index.getInt();
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < mapLength / 10; i++) {
            offsets.put(index.getShort() & 0xFFFF, index.getLong());
        }
        assertThat(offsets).as("message_index_offsets").isEqualTo(chunk.indexOffsets());
        assertThat(index.getLong()).as("message_index_length").isEqualTo(chunk.indexLength());
        assertThat(string(index)).isEmpty();
        assertThat(index.getLong()).isEqualTo(chunk.recordsLength());
        assertThat(index.getLong()).isEqualTo(chunk.recordsLength());
    }

    private Statistics statistics(ByteBuffer record) {
        long messages = record.getLong();
        int schemas = record.getShort() & 0xFFFF;
        long channels = record.getInt() & 0xFFFFFFFFL;
        assertThat(record.getInt()).as("attachments").isZero();
        assertThat(record.getInt()).as("metadata").isZero();
        long chunks = record.getInt() & 0xFFFFFFFFL;
        long start = record.getLong();
        long end = record.getLong();
        int mapLength = record.getInt();
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < mapLength / 10; i++) {
            counts.put(record.getShort() & 0xFFFF, record.getLong());
        }
        return new Statistics(messages, schemas, channels, chunks, start, end, counts);
    }

    private void checkStatistics() {
        assertThat(this.statistics.messages()).isEqualTo(this.messages.size());
        assertThat(this.statistics.schemas()).isEqualTo(this.schemas.size());
        assertThat(this.statistics.channels()).isEqualTo(this.channels.size());
        assertThat(this.statistics.chunks()).isEqualTo(this.chunks.size());
        assertThat(this.statistics.start())
            .isEqualTo(this.messages.stream().mapToLong(Message::logTime).min().orElse(0));
        assertThat(this.statistics.end()).isEqualTo(this.messages.stream().mapToLong(Message::logTime).max().orElse(0));
        for (int channel : this.channels.keySet()) {
            assertThat(this.statistics.channelCounts().getOrDefault(channel, 0L)).as("count of channel %d", channel)
                .isEqualTo(messagesOn(channel).size());
        }
    }

    /** The content of the record at {@code at}, which must have {@code opcode}. */
    private ByteBuffer record(int at, int opcode) {
        assertThat(this.file[at] & 0xFF).as("opcode at %d", at).isEqualTo(opcode);
        long length = u64(this.file, at + 1);
        assertThat(at + 9 + length).as("record at %d within the file", at).isLessThanOrEqualTo(this.file.length);
        return ByteBuffer.wrap(this.file, at + 9, (int) length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String string(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long u64(byte[] bytes, int at) {
        return ByteBuffer.wrap(bytes, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

}
