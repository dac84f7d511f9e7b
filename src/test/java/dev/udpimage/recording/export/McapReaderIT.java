package dev.udpimage.recording.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.udpimage.support.Commands;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link McapWriter}'s files, in both flavours, read by Foxglove's own MCAP library
 * (npm's {@code @mcap/core}: its streaming reader, which validates every record and chunk
 * CRC in order, and its indexed reader, which goes through the footer, the summary and
 * its CRC, the chunk indexes and the message indexes), and every message decoded as
 * Foxglove and ROS 2 tools decode it ({@code @foxglove/rosmsg} parses the {@code ros2msg}
 * schema, {@code @foxglove/rosmsg2-serialization} reads the CDR with it), by
 * {@code read-mcap.mjs} under node. The packages are installed at pinned versions into a
 * temporary directory.
 */
class McapReaderIT {

    static final Instant START = Instant.parse("2024-05-06T07:08:09.123456789Z");

    static final int FRAMES = 300;

    static final int CHUNK_BYTES = 256 * 1024;

    /** A frame larger than a chunk. */
    static final int BIG_FRAME = 150;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    /**
     * A message written.
     *
     * @param sha256 of the message's data
     * @param jpeg the frame it holds, or null
     * @param json the list message it holds, or null
     */
    record Sent(String topic, long logTime, long sequence, String sha256, byte[] jpeg, String json) {
    }

    @BeforeAll
    static void installFoxglovesReaders() throws IOException {
        McapReaders.install();
    }

    @Test
    void mcapCoreReadsTheFoxgloveFlavour() throws IOException {
        Path file = dir.resolve("foxglove.mcap");
        List<Sent> sent = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(file)) {
            McapWriter writer = new McapWriter(out, "", CHUNK_BYTES);
            int frames = writer.channel(
                    writer.schema(FoxgloveJson.COMPRESSED_IMAGE, FoxgloveJson.SCHEMA_ENCODING,
                            FoxgloveJson.COMPRESSED_IMAGE_SCHEMA.getBytes(StandardCharsets.UTF_8)),
                    "/camera", FoxgloveJson.MESSAGE_ENCODING, Map.of());
            int lists = writer.channel(
                    writer.schema(FoxgloveJson.LIST, FoxgloveJson.SCHEMA_ENCODING,
                            FoxgloveJson.LIST_SCHEMA.getBytes(StandardCharsets.UTF_8)),
                    "/lists", FoxgloveJson.MESSAGE_ENCODING, Map.of());
            record(writer, sent, "/camera", frames, (at, jpeg) -> FoxgloveJson.compressedImage(at, "cam", "jpeg", jpeg),
                    "/lists", lists, (at, value) -> new byte[][] { FoxgloveJson.list(at, value) });
            writer.finish();
        }
        List<JsonNode> read = read(file);
        checkMessages(read, sent, "");
        List<JsonNode> decoded = lines(read, "check", "json");
        checkDecoded(decoded, sent);
    }

    @Test
    void mcapCoreAndTheRos2DecodersReadTheRos2Profile() throws IOException {
        Path file = dir.resolve("ros2.mcap");
        List<Sent> sent = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(file)) {
            McapWriter writer = new McapWriter(out, Ros2Messages.PROFILE, CHUNK_BYTES);
            int frames = writer.channel(
                    writer.schema(Ros2Messages.COMPRESSED_IMAGE, Ros2Messages.SCHEMA_ENCODING,
                            Ros2Messages.COMPRESSED_IMAGE_DEFINITION.getBytes(StandardCharsets.UTF_8)),
                    "/camera/compressed", Ros2Messages.MESSAGE_ENCODING, Ros2Messages.CHANNEL_METADATA);
            int lists = writer.channel(
                    writer.schema(Ros2Messages.STRING, Ros2Messages.SCHEMA_ENCODING,
                            Ros2Messages.STRING_DEFINITION.getBytes(StandardCharsets.UTF_8)),
                    "/lists", Ros2Messages.MESSAGE_ENCODING, Ros2Messages.CHANNEL_METADATA);
            record(writer, sent, "/camera/compressed", frames,
                    (at, jpeg) -> Ros2Messages.compressedImage(at, "cam", "jpeg", jpeg), "/lists", lists,
                    (at, value) -> new byte[][] {
                            Ros2Messages.string(new String(FoxgloveJson.list(at, value), StandardCharsets.UTF_8)) });
            writer.finish();
        }
        List<JsonNode> read = read(file);
        checkMessages(read, sent, "ros2");
        checkDecoded(lines(read, "check", "ros2"), sent);
        List<JsonNode> byHand = lines(read, "check", "cdr-by-hand");
        assertThat(byHand).hasSize(1);
        assertThat(byHand.get(0).path("sha256").asString()).isEqualTo(sha256(sent.get(0).jpeg()));
    }

    interface Frame {

        byte[][] encode(Instant at, byte[] jpeg);

    }

    interface ListValue {

        byte[][] encode(Instant at, String value);

    }

    /**
     * Writes {@link #FRAMES} frames of varying sizes, 25 a second, one larger than a
     * chunk, and a list every 100 ms between them (no two messages at the same time, so
     * that the order in log time is one).
     */
    private static void record(McapWriter writer, List<Sent> sent, String frameTopic, int frames, Frame frame,
            String listTopic, int lists, ListValue list) throws IOException {
        int listsSent = 0;
        for (int i = 0; i < FRAMES; i++) {
            Instant at = START.plus(Duration.ofMillis(40L * i));
            while (START.plus(Duration.ofMillis(100L * listsSent + 3)).isBefore(at)) {
                Instant listAt = START.plus(Duration.ofMillis(100L * listsSent + 3));
                String value = "[" + listsSent + ", " + (listsSent + 0.25) + ", 0, 7]";
                byte[][] message = list.encode(listAt, value);
                writer.message(lists, nanos(listAt), nanos(listAt), message);
                listsSent++;
                sent.add(new Sent(listTopic, nanos(listAt), listsSent, sha256(message), null,
                        new String(FoxgloveJson.list(listAt, value), StandardCharsets.UTF_8)));
            }
            int size = (i == BIG_FRAME) ? CHUNK_BYTES + 100_000 : 500 + (int) ((i * 7_919L) % 120_000);
            byte[] jpeg = McapWriterTest.jpeg(size, i);
            byte[][] message = frame.encode(at, jpeg);
            writer.message(frames, nanos(at), nanos(at), message);
            sent.add(new Sent(frameTopic, nanos(at), i + 1, sha256(message), jpeg, null));
        }
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    private static List<JsonNode> read(Path file) throws IOException {
        return McapReaders.read(file);
    }

    private static List<JsonNode> lines(List<JsonNode> read, String key, String value) {
        return McapReaders.lines(read, key, value);
    }

    /** What each reader read: every message, in order, with its bytes. */
    private static void checkMessages(List<JsonNode> read, List<Sent> sent, String profile) {
        List<JsonNode> stream = lines(read, "reader", "stream");
        List<JsonNode> indexed = lines(read, "reader", "indexed");
        assertThat(stream).hasSameSizeAs(sent);
        assertThat(indexed).hasSameSizeAs(sent);
        List<Sent> byTime = sent.stream().sorted(Comparator.comparingLong(Sent::logTime)).toList();
        for (int i = 0; i < sent.size(); i++) {
            checkMessage(stream.get(i), sent.get(i));
            checkMessage(indexed.get(i), byTime.get(i));
        }
        List<JsonNode> byTopic = lines(read, "reader", "indexed-topic");
        assertThat(byTopic).hasSameSizeAs(sent);
        List<Sent> topicOrder = new ArrayList<>(sent.stream().filter(s -> s.jpeg() != null).toList());
        topicOrder.addAll(sent.stream().filter(s -> s.jpeg() == null).toList());
        for (int i = 0; i < sent.size(); i++) {
            checkMessage(byTopic.get(i), topicOrder.get(i));
        }
        JsonNode summary = lines(read, "reader", "summary").get(0);
        assertThat(summary.path("profile").asString()).isEqualTo(profile);
        assertThat(summary.path("library").asString()).isEqualTo("udp-image-service");
        assertThat(summary.path("messages").asLong()).isEqualTo(sent.size());
        assertThat(summary.path("chunks").asInt()).isGreaterThan(10).isEqualTo(summary.path("chunkCount").asInt());
        assertThat(summary.path("summaryOffsets").toString()).isEqualTo("[3,4,8,11]");
        assertThat(lines(read, "check", "data-section-crc").get(0).path("ok").asBoolean()).isTrue();
        JsonNode records = lines(read, "reader", "stream-records").get(0).path("records");
        assertThat(records.path("Chunk").asInt()).isEqualTo(summary.path("chunks").asInt());
        assertThat(records.path("Footer").asInt()).isEqualTo(1);
    }

    private static void checkMessage(JsonNode line, Sent sent) {
        assertThat(Long.parseLong(line.path("logTime").asString())).as(line.toString()).isEqualTo(sent.logTime());
        assertThat(Long.parseLong(line.path("publishTime").asString())).isEqualTo(sent.logTime());
        assertThat(line.path("sequence").asLong()).as(line.toString()).isEqualTo(sent.sequence());
        assertThat(line.path("topic").asString()).isEqualTo(sent.topic());
        assertThat(line.path("sha256").asString()).as(line.toString()).isEqualTo(sent.sha256());
    }

    /**
     * Each message as its decoder read it: the frames' bytes and header, the lists' JSON.
     */
    private static void checkDecoded(List<JsonNode> decoded, List<Sent> sent) {
        List<Sent> byTime = sent.stream().sorted(Comparator.comparingLong(Sent::logTime)).toList();
        assertThat(decoded).hasSameSizeAs(sent);
        for (int i = 0; i < decoded.size(); i++) {
            JsonNode line = decoded.get(i);
            Sent expected = byTime.get(i);
            assertThat(line.path("topic").asString()).isEqualTo(expected.topic());
            if (expected.jpeg() != null) {
                assertThat(line.path("sha256").asString()).as("frame %d", i).isEqualTo(sha256(expected.jpeg()));
                assertThat(line.path("format").asString()).isEqualTo("jpeg");
                assertThat(line.path("frameId").asString()).isEqualTo("cam");
                assertThat(line.path("sec").asLong() * 1_000_000_000L + line.path("nsec").asLong())
                    .isEqualTo(expected.logTime());
            }
            else {
                assertThat(line.path("json")).as("list %d", i).isEqualTo(JSON.readTree(expected.json()));
            }
        }
    }

    private static String sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
