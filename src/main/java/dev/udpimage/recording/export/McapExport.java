package dev.udpimage.recording.export;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.udpimage.recording.RecordedFrame;
import dev.udpimage.recording.RecordingReader;
import dev.udpimage.recording.format.IndexTimes;
import dev.udpimage.store.ReceivedList;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stretch of recording as one MCAP file ({@link McapWriter}), the robotics world's
 * container: per camera a channel of its frames, exactly as received (no re-encoding),
 * each at its received time, and a channel of the lists the same sender sent, so that
 * what the camera saw and what the robot said are on one timeline. Streamed, a page of
 * frames at a time: memory does not grow with the length.
 * <ul>
 * <li>{@link Flavour#FOXGLOVE} (the default): frames as {@code foxglove.CompressedImage},
 * lists as JSON objects {@code {"receivedAt": ..., "value": <the list>}}, both JSON with
 * a JSON schema; Foxglove shows the images and plots the lists' fields
 * ({@code .value[0]}).</li>
 * <li>{@link Flavour#ROS2}: profile {@code ros2}, frames as
 * {@code sensor_msgs/msg/CompressedImage}, lists as {@code std_msgs/msg/String} holding
 * the JSON, both CDR with their ROS 2 message definitions, as rosbag2 writes them
 * ({@code ros2 bag play}).</li>
 * </ul>
 * Topics are {@code /udp/<camera>/image} and {@code /udp/<camera>/lists}, the camera's
 * address with {@code .} and {@code :} as {@code _} and a {@code c} before it, so that
 * they are valid ROS 2 names.
 */
@Component
public class McapExport {

    /** Which messages the file holds. */
    public enum Flavour {

        FOXGLOVE, ROS2

    }

    /** The media type of an MCAP file (none is registered). */
    public static final String CONTENT_TYPE = "application/octet-stream";

    private static final int PAGE = 500;

    private final JsonMapper json;

    public McapExport(JsonMapper json) {
        this.json = json;
    }

    /** The topic of a camera's channel: {@code /udp/c192_168_1_20/image}. */
    public static String topic(String camera, String what) {
        return "/udp/c" + camera.replaceAll("[^A-Za-z0-9]", "_") + "/" + what;
    }

    /**
     * Writes the frames and lists of {@code cameras} received in {@code [from, to)}.
     * @return messages written
     */
    public long write(RecordingReader recording, List<String> cameras, Instant from, Instant to, Flavour flavour,
            OutputStream out) throws IOException {
        boolean ros2 = flavour == Flavour.ROS2;
        McapWriter mcap = new McapWriter(out, ros2 ? Ros2Messages.PROFILE : "");
        int imageSchema = ros2
                ? mcap.schema(Ros2Messages.COMPRESSED_IMAGE, Ros2Messages.SCHEMA_ENCODING,
                        Ros2Messages.COMPRESSED_IMAGE_DEFINITION.getBytes(StandardCharsets.UTF_8))
                : mcap.schema(FoxgloveJson.COMPRESSED_IMAGE, FoxgloveJson.SCHEMA_ENCODING,
                        FoxgloveJson.COMPRESSED_IMAGE_SCHEMA.getBytes(StandardCharsets.UTF_8));
        int listSchema = ros2
                ? mcap.schema(Ros2Messages.STRING, Ros2Messages.SCHEMA_ENCODING,
                        Ros2Messages.STRING_DEFINITION.getBytes(StandardCharsets.UTF_8))
                : mcap.schema(FoxgloveJson.LIST, FoxgloveJson.SCHEMA_ENCODING,
                        FoxgloveJson.LIST_SCHEMA.getBytes(StandardCharsets.UTF_8));
        String encoding = ros2 ? Ros2Messages.MESSAGE_ENCODING : FoxgloveJson.MESSAGE_ENCODING;
        Map<String, String> metadata = ros2 ? Ros2Messages.CHANNEL_METADATA : Map.of();
        int[] images = new int[cameras.size()];
        int[] lists = new int[cameras.size()];
        for (int c = 0; c < cameras.size(); c++) {
            images[c] = mcap.channel(imageSchema, topic(cameras.get(c), "image"), encoding, metadata);
            lists[c] = mcap.channel(listSchema, topic(cameras.get(c), "lists"), encoding, metadata);
        }
        for (int c = 0; c < cameras.size(); c++) {
            String camera = cameras.get(c);
            int channel = lists[c];
            Instant listsFrom = from;
            for (List<RecordedFrame> page : recording.pages(camera, from, to, PAGE)) {
                // the lists up to the page's end after it: the file stays near log-time
                // order (a reader that does not seek sees each list within a page of its
                // frames) and nothing is held beyond a page
                for (RecordedFrame frame : page) {
                    byte[] bytes;
                    try {
                        bytes = recording.read(frame);
                    }
                    catch (UncheckedIOException gone) {
                        continue; // deleted by retention meanwhile
                    }
                    long nanos = IndexTimes.nanos(frame.receivedAt());
                    mcap.message(images[c], nanos, nanos,
                            ros2 ? Ros2Messages.compressedImage(frame.receivedAt(), camera, frame.format(), bytes)
                                    : FoxgloveJson.compressedImage(frame.receivedAt(), camera, frame.format(), bytes));
                }
                Instant pageEnd = page.get(page.size() - 1).receivedAt().plusNanos(1);
                if (pageEnd.isBefore(to)) {
                    writeLists(recording, mcap, camera, listsFrom, pageEnd, channel, ros2);
                    listsFrom = pageEnd;
                }
            }
            writeLists(recording, mcap, camera, listsFrom, to, channel, ros2);
        }
        mcap.finish();
        return mcap.messages();
    }

    private void writeLists(RecordingReader recording, McapWriter mcap, String camera, Instant from, Instant to,
            int channel, boolean ros2) throws IOException {
        if (!from.isBefore(to)) {
            return;
        }
        try {
            recording.lists(camera, from, to, list -> writeList(mcap, channel, list, ros2));
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }

    private void writeList(McapWriter mcap, int channel, ReceivedList list, boolean ros2) {
        String value = this.json.writeValueAsString(list.value());
        long nanos = IndexTimes.nanos(list.receivedAt());
        try {
            mcap.message(channel, nanos, nanos,
                    ros2 ? Ros2Messages.string(value) : FoxgloveJson.list(list.receivedAt(), value));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
