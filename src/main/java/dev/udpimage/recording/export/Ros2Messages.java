package dev.udpimage.recording.export;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The messages of an MCAP file in the {@code ros2} profile, which ROS 2's rosbag2 and
 * Foxglove read: every channel CDR-encoded (little-endian, XCDR1 framing) with a
 * {@code ros2msg} schema and the {@code offered_qos_profiles} metadata. Frames are
 * {@code sensor_msgs/msg/CompressedImage} (the JPEG as it is, {@code uint8[]}); lists are
 * {@code std_msgs/msg/String} holding the JSON text, since the profile allows no other
 * encoding.
 */
public final class Ros2Messages {

    /** The Header's profile. */
    public static final String PROFILE = "ros2";

    public static final String MESSAGE_ENCODING = "cdr";

    public static final String SCHEMA_ENCODING = "ros2msg";

    public static final String COMPRESSED_IMAGE = "sensor_msgs/msg/CompressedImage";

    public static final String STRING = "std_msgs/msg/String";

    private static final String SEPARATOR = "=".repeat(80);

    /**
     * {@code sensor_msgs/msg/CompressedImage} and its dependencies, concatenated as
     * rosbag2 writes them.
     */
    public static final String COMPRESSED_IMAGE_DEFINITION = """
            std_msgs/Header header
            string format
            uint8[] data

            %1$s
            MSG: std_msgs/Header
            builtin_interfaces/Time stamp
            string frame_id

            %1$s
            MSG: builtin_interfaces/Time
            int32 sec
            uint32 nanosec
            """.formatted(SEPARATOR);

    /** {@code std_msgs/msg/String}: no dependencies. */
    public static final String STRING_DEFINITION = "string data\n";

    /**
     * A channel's QoS as rosbag2 records it (one profile: keep last 10, reliable,
     * volatile, automatic liveliness, no deadline or lifespan), integer policies.
     */
    public static final String OFFERED_QOS_PROFILES = """
            - history: 1
              depth: 10
              reliability: 1
              durability: 2
              deadline:
                sec: 0
                nsec: 0
              lifespan:
                sec: 0
                nsec: 0
              liveliness: 1
              liveliness_lease_duration:
                sec: 0
                nsec: 0
              avoid_ros_namespace_conventions: false
            """;

    /** The metadata every channel of the profile carries. */
    public static final Map<String, String> CHANNEL_METADATA = Map.of("offered_qos_profiles", OFFERED_QOS_PROFILES);

    /** CDR's encapsulation header: plain CDR, little-endian, no options. */
    private static final byte[] CDR_LE = { 0x00, 0x01, 0x00, 0x00 };

    private Ros2Messages() {
    }

    /**
     * A {@code CompressedImage} message as two parts for {@link McapWriter#message(int,
     * long, long, byte[]...)}: everything up to and including the data's length, then
     * {@code data} itself (not copied).
     * @param stamp the header's stamp: seconds must fit ROS 2's {@code int32}
     * @param format e.g. {@code jpeg}
     */
    public static byte[][] compressedImage(Instant stamp, String frameId, String format, byte[] data) {
        McapBuffer cdr = new McapBuffer(64 + frameId.length() + format.length());
        cdr.bytes(CDR_LE);
        cdr.u32(Math.toIntExact(stamp.getEpochSecond())).u32(stamp.getNano());
        string(cdr, frameId);
        string(cdr, format);
        align4(cdr);
        cdr.u32(data.length);
        return new byte[][] { cdr.toByteArray(), data };
    }

    /** A {@code std_msgs/msg/String} message. */
    public static byte[] string(String value) {
        McapBuffer cdr = new McapBuffer(value.length() + 16);
        cdr.bytes(CDR_LE);
        string(cdr, value);
        return cdr.toByteArray();
    }

    /** A CDR string: its length with the NUL, its UTF-8 bytes, a NUL; 4-aligned. */
    private static void string(McapBuffer cdr, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        align4(cdr);
        cdr.u32(utf8.length + 1L).bytes(utf8).u8(0);
    }

    /** Alignment counts from the end of the encapsulation header. */
    private static void align4(McapBuffer cdr) {
        while ((cdr.size() - CDR_LE.length) % 4 != 0) {
            cdr.u8(0);
        }
    }

}
