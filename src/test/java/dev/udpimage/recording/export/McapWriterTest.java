package dev.udpimage.recording.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link McapWriter}'s files read back by {@link McapTestReader}, which checks every
 * record, CRC, index and offset; and the message encoders, byte for byte.
 */
class McapWriterTest {

    private final ByteArrayOutputStream file = new ByteArrayOutputStream();

    @Test
    void anEmptyFileHasAHeaderASummaryAndAFooter() throws IOException {
        McapWriter writer = new McapWriter(this.file, "");
        writer.finish();
        McapTestReader read = McapTestReader.read(this.file.toByteArray());
        assertThat(read.profile).isEmpty();
        assertThat(read.library).isEqualTo("udp-image-service");
        assertThat(read.messages).isEmpty();
        assertThat(read.chunks).isEmpty();
        assertThat(read.statistics.messages()).isZero();
        assertThat(read.statistics.start()).isZero();
        assertThat(read.statistics.end()).isZero();
        assertThat(writer.position()).isEqualTo(this.file.size());
    }

    @Test
    void channelsWithoutMessagesAreInTheDataSectionAndTheSummary() throws IOException {
        McapWriter writer = new McapWriter(this.file, "ros2");
        int schema = writer.schema(Ros2Messages.STRING, "ros2msg", bytes(Ros2Messages.STRING_DEFINITION));
        writer.channel(schema, "/lists", "cdr", Ros2Messages.CHANNEL_METADATA);
        writer.finish();
        McapTestReader read = McapTestReader.read(this.file.toByteArray());
        assertThat(read.profile).isEqualTo("ros2");
        assertThat(read.schemas).hasSize(1);
        assertThat(read.topics).containsEntry(1, "/lists");
        assertThat(read.chunks).isEmpty();
        assertThat(read.statistics.channelCounts()).containsEntry(1, 0L);
    }

    @Test
    void oneChannelsMessagesComeBackWithTheirTimesAndSequence() throws IOException {
        McapWriter writer = new McapWriter(this.file, "");
        int channel = writer.channel(writer.schema("s", "jsonschema", bytes("{}")), "/a", "json", Map.of("k", "v"));
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(jpeg(i * 100, i));
            writer.message(channel, 1_000 + i, 500 + i, sent.get(i));
        }
        writer.finish();
        McapTestReader read = McapTestReader.read(this.file.toByteArray());
        assertThat(read.chunks).hasSize(1);
        assertThat(read.messages).hasSize(10);
        for (int i = 0; i < 10; i++) {
            McapTestReader.Message message = read.messages.get(i);
            assertThat(message.data()).isEqualTo(sent.get(i));
            assertThat(message.logTime()).isEqualTo(1_000 + i);
            assertThat(message.publishTime()).isEqualTo(500 + i);
            assertThat(message.sequence()).isEqualTo(i + 1);
        }
        assertThat(writer.messages()).isEqualTo(10);
    }

    @Test
    void twoInterleavedChannelsKeepTheirOwnSequencesAndTheChunkTheirTimeSpan() throws IOException {
        McapWriter writer = new McapWriter(this.file, "");
        int a = writer.channel(0, "/a", "json", Map.of());
        int b = writer.channel(0, "/b", "json", Map.of());
        for (int i = 0; i < 5; i++) {
            writer.message(a, 1_000 + 100 * i, 1_000 + 100 * i, bytes("a" + i));
            writer.message(b, 900 + 100 * i, 900 + 100 * i, bytes("b" + i));
        }
        writer.finish();
        McapTestReader read = McapTestReader.read(this.file.toByteArray());
        assertThat(read.messages).extracting(m -> new String(m.data(), StandardCharsets.UTF_8))
            .containsExactly("a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4");
        assertThat(read.messagesOn(b)).extracting(McapTestReader.Message::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(read.chunks.get(0).start()).isEqualTo(900);
        assertThat(read.chunks.get(0).end()).isEqualTo(1_400);
        assertThat(read.chunks.get(0).indexOffsets()).containsOnlyKeys(a, b);
        assertThat(read.statistics.channelCounts()).containsEntry(a, 5L).containsEntry(b, 5L);
    }

    @Test
    void aMessageLargerThanAChunkIsAChunkOfItsOwn() throws IOException {
        McapWriter writer = new McapWriter(this.file, "", 1_000);
        int channel = writer.channel(0, "/frames", "cdr", Map.of());
        byte[] head = bytes("head");
        byte[] big = jpeg(5_000, 7);
        writer.message(channel, 1, 1, jpeg(300, 1));
        writer.message(channel, 2, 2, jpeg(300, 2));
        writer.message(channel, 3, 3, head, big);
        writer.message(channel, 4, 4, jpeg(300, 3));
        writer.finish();
        McapTestReader read = McapTestReader.read(this.file.toByteArray());
        assertThat(read.chunks).extracting(chunk -> chunk.messages().size()).containsExactly(2, 1, 1);
        McapTestReader.Chunk alone = read.chunks.get(1);
        assertThat(alone.start()).isEqualTo(3);
        assertThat(alone.recordsLength()).isEqualTo(McapWriter.MESSAGE_OVERHEAD + head.length + big.length);
        byte[] joined = new byte[head.length + big.length];
        System.arraycopy(head, 0, joined, 0, head.length);
        System.arraycopy(big, 0, joined, head.length, big.length);
        assertThat(alone.messages().get(0).data()).isEqualTo(joined);
        assertThat(read.messages).extracting(McapTestReader.Message::sequence).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void manyChunksEachAtMostTheChunkSize() throws IOException {
        McapWriter writer = new McapWriter(this.file, "", 4_096);
        int[] channels = { writer.channel(0, "/0", "json", Map.of()), writer.channel(0, "/1", "json", Map.of()),
                writer.channel(0, "/2", "json", Map.of()) };
        Random random = new Random(42);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] data = jpeg(random.nextInt(1_500), i);
            sent.add(data);
            writer.message(channels[i % 3], 1_000_000L * i, 1_000_000L * i, data);
        }
        writer.finish();
        McapTestReader read = McapTestReader.read(this.file.toByteArray());
        assertThat(read.chunks).hasSizeGreaterThan(100);
        assertThat(read.chunks).allSatisfy(chunk -> assertThat(chunk.recordsLength()).isLessThanOrEqualTo(4_096));
        assertThat(read.messages).extracting(McapTestReader.Message::data).containsExactlyElementsOf(sent);
        assertThat(read.statistics.end()).isEqualTo(1_999_000_000L);
    }

    @Test
    void equalLogTimesAreIndexedEach() throws IOException {
        McapWriter writer = new McapWriter(this.file, "", 200);
        int a = writer.channel(0, "/a", "json", Map.of());
        int b = writer.channel(0, "/b", "json", Map.of());
        for (int i = 0; i < 20; i++) {
            writer.message(i % 2 == 0 ? a : b, 77, 77, bytes("m" + i));
        }
        writer.finish();
        McapTestReader read = McapTestReader.read(this.file.toByteArray());
        assertThat(read.messages).hasSize(20).allSatisfy(m -> assertThat(m.logTime()).isEqualTo(77));
        assertThat(read.chunks).hasSizeGreaterThan(1);
        assertThat(read.statistics.start()).isEqualTo(77);
        assertThat(read.statistics.end()).isEqualTo(77);
    }

    @Test
    void aChannelDeclaredBetweenMessagesGoesIntoTheChunkBeforeItsFirstMessage() throws IOException {
        McapWriter writer = new McapWriter(this.file, "");
        int a = writer.channel(0, "/a", "json", Map.of());
        writer.message(a, 10, 10, bytes("first"));
        int schema = writer.schema("late", "jsonschema", bytes("{\"type\":\"object\"}"));
        int b = writer.channel(schema, "/late", "json", Map.of());
        writer.message(b, 5, 5, bytes("second"));
        writer.finish();
        byte[] written = this.file.toByteArray();
        McapTestReader read = McapTestReader.read(written);
        assertThat(read.chunks).hasSize(1);
        assertThat(read.topics).containsEntry(b, "/late");
        McapTestReader.Chunk chunk = read.chunks.get(0);
        int lateAt = indexOf(written, bytes("/late"));
        assertThat(lateAt).isBetween((int) chunk.offset(), (int) (chunk.offset() + chunk.length()));
        assertThat(chunk.start()).isEqualTo(5);
    }

    @Test
    void refusesWhatWouldMakeAnInvalidFile() throws IOException {
        McapWriter writer = new McapWriter(this.file, "");
        int channel = writer.channel(0, "/a", "json", Map.of());
        writer.message(channel, 10, 10, bytes("x"));
        assertThatThrownBy(() -> writer.message(channel, 9, 9, bytes("y"))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("before");
        assertThatThrownBy(() -> writer.message(2, 10, 10, bytes("y"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.channel(3, "/b", "json", Map.of()))
            .isInstanceOf(IllegalArgumentException.class);
        writer.finish();
        int length = this.file.size();
        writer.finish();
        assertThat(this.file.size()).isEqualTo(length);
        assertThatThrownBy(() -> writer.message(channel, 11, 11, bytes("z"))).isInstanceOf(IllegalStateException.class);
        McapTestReader.read(this.file.toByteArray());
    }

    @Test
    void finishFlushesAndLeavesTheStreamOpen() throws IOException {
        boolean[] closed = { false };
        int[] flushes = { 0 };
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushes[0]++;
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        new McapWriter(out, "").finish();
        assertThat(flushes[0]).isEqualTo(1);
        assertThat(closed[0]).isFalse();
    }

    @Test
    void aChunksBufferGrowsNoFurtherThanAChunk() {
        McapBuffer buffer = new McapBuffer(16, 100);
        for (int i = 0; i < 9; i++) {
            buffer.bytes(new byte[10]);
        }
        assertThat(buffer.array()).hasSize(100);
        buffer.bytes(new byte[20]);
        assertThat(buffer.array()).hasSize(110);
    }

    @Test
    void theTestReaderNoticesAFlippedByte() throws IOException {
        McapWriter writer = new McapWriter(this.file, "");
        int channel = writer.channel(0, "/a", "json", Map.of());
        writer.message(channel, 1, 1, jpeg(100, 1));
        writer.finish();
        byte[] written = this.file.toByteArray();
        McapTestReader.read(written);
        written[indexOf(written, jpeg(100, 1)) + 50] ^= 1;
        assertThatThrownBy(() -> McapTestReader.read(written)).isInstanceOf(AssertionError.class)
            .hasMessageContaining("uncompressed_crc");
    }

    @Test
    void cdrCompressedImageByteForByte() {
        byte[][] parts = Ros2Messages.compressedImage(Instant.ofEpochSecond(1, 2), "cam", "jpeg",
                new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9 });
        String expected = "00010000" // encapsulation: CDR, little-endian
                + "01000000" + "02000000" // stamp: sec 1, nanosec 2
                + "04000000" + "63616d00" // frame_id "cam" and its NUL
                + "05000000" + "6a70656700" // format "jpeg" and its NUL, ending at 25
                + "000000" // to 28, 4-aligned (counted after the encapsulation)
                + "04000000"; // data's length
        assertThat(HexFormat.of().formatHex(parts[0])).isEqualTo(expected);
        assertThat(HexFormat.of().formatHex(parts[1])).isEqualTo("ffd8ffd9");
    }

    @Test
    void cdrStringByteForByte() {
        assertThat(HexFormat.of().formatHex(Ros2Messages.string("[1]")))
            .isEqualTo("00010000" + "04000000" + "5b315d00");
    }

    @Test
    void theRos2DefinitionNamesItsDependenciesAfterSeparators() {
        String definition = Ros2Messages.COMPRESSED_IMAGE_DEFINITION;
        assertThat(definition).startsWith("std_msgs/Header header\nstring format\nuint8[] data\n")
            .contains("\n" + "=".repeat(80) + "\nMSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\n")
            .contains("\n" + "=".repeat(80) + "\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n");
        assertThat(Ros2Messages.OFFERED_QOS_PROFILES).startsWith("- history: ");
    }

    @Test
    void foxgloveCompressedImageIsJsonWithTheImageInBase64() {
        byte[] jpeg = jpeg(1_000, 3);
        byte[][] parts = FoxgloveJson.compressedImage(Instant.ofEpochSecond(1_700_000_000, 123_456_789), "cam \"1\"",
                "jpeg", jpeg);
        StringBuilder text = new StringBuilder();
        for (byte[] part : parts) {
            text.append(new String(part, StandardCharsets.UTF_8));
        }
        JsonNode message = JsonMapper.builder().build().readTree(text.toString());
        assertThat(message.path("timestamp").path("sec").asLong()).isEqualTo(1_700_000_000L);
        assertThat(message.path("timestamp").path("nsec").asLong()).isEqualTo(123_456_789L);
        assertThat(message.path("frame_id").asString()).isEqualTo("cam \"1\"");
        assertThat(message.path("format").asString()).isEqualTo("jpeg");
        assertThat(Base64.getDecoder().decode(message.path("data").asString())).isEqualTo(jpeg);
    }

    @Test
    void aListMessageHoldsItsTimeAndValue() {
        JsonMapper json = JsonMapper.builder().build();
        JsonNode message = json
            .readTree(FoxgloveJson.list(Instant.parse("2024-05-06T07:08:09.123456Z"), "[0, 0, 0, 7]"));
        assertThat(message.path("receivedAt").asString()).isEqualTo("2024-05-06T07:08:09.123456Z");
        assertThat(message.path("value").path(3).asInt()).isEqualTo(7);
        JsonNode schema = json.readTree(FoxgloveJson.LIST_SCHEMA);
        assertThat(schema.path("properties").path("value").path("items").path("type").asString()).isEqualTo("number");
        assertThat(json.readTree(FoxgloveJson.COMPRESSED_IMAGE_SCHEMA)
            .path("properties")
            .path("data")
            .path("contentEncoding")
            .asString()).isEqualTo("base64");
    }

    /** JPEG-like bytes: the markers around {@code length} bytes of a seeded noise. */
    static byte[] jpeg(int length, long seed) {
        byte[] bytes = new byte[length + 4];
        new Random(seed).nextBytes(bytes);
        bytes[0] = (byte) 0xFF;
        bytes[1] = (byte) 0xD8;
        bytes[length + 2] = (byte) 0xFF;
        bytes[length + 3] = (byte) 0xD9;
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
