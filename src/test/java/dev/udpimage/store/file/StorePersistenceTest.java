package dev.udpimage.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.udpimage.UdpImageServiceApplication;
import dev.udpimage.udp.ReceiverPorts;
import dev.udpimage.support.Http;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.TestImages;
import tools.jackson.databind.JsonNode;

/** The service is started, fed, stopped and started again on the same store directory. */
class StorePersistenceTest {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(int history, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--server.port=0",
                "--udp.image-port=0", "--udp.list-port=0", "--udp.bind-address=127.0.0.1",
                "--udp.store.history=" + history, "--udp.store.dir=" + this.dir));
        args.addAll(java.util.List.of(more));
        return new SpringApplicationBuilder(UdpImageServiceApplication.class).run(args.toArray(String[]::new));
    }

    private static Http http(ConfigurableApplicationContext context) {
        return new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    private static void sendImage(ConfigurableApplicationContext context, byte[] image) {
        try (LegacyTestClient client = new LegacyTestClient(context.getBean(ReceiverPorts.class).image())) {
            client.sendChunked(image);
            assertThat(client.reply()).isEqualTo("get message!!!");
        }
    }

    private static void sendList(ConfigurableApplicationContext context, String json) {
        try (LegacyTestClient client = new LegacyTestClient(context.getBean(ReceiverPorts.class).list())) {
            client.send(json);
            assertThat(client.reply()).isEqualTo("get the msg");
        }
    }

    /**
     * With the recording off, the history's own directory brings it back, and what a
     * crash or a bad disk left there is skipped.
     */
    @Test
    void afterARestartTheLatestImageAndTheHistoryAreWhatTheyWere() throws IOException {
        String images;
        String lists;
        byte[] latestPng;
        byte[] large = TestImages.largeJpeg(5);
        assertThat(large.length).as("written in more than one piece").isGreaterThan(1 << 20);
        try (ConfigurableApplicationContext first = start(100, "--udp.recording.enabled=false")) {
            sendImage(first, large);
            sendImage(first, TestImages.smallJpeg(1));
            sendImage(first, TestImages.encode(TestImages.photo(50, 40, 5, 2), "png"));
            sendImage(first, TestImages.mediumJpeg(3));
            sendList(first, "[0, 0, 0, 1]");
            sendList(first, "{\"camera\": 2}");
            images = http(first).get("/received/images").text();
            lists = http(first).get("/received/lists").text();
            latestPng = http(first).get("/received/latest.png").body();
        }
        // what a crash or a bad disk leaves behind
        Files.writeString(this.dir.resolve("images/900.json"), "{ not json");
        Files.writeString(this.dir.resolve("images/901.json"), "{\"id\":901,\"sender\":\"127.0.0.1:1\","
                + "\"receivedAt\":\"2026-01-01T00:00:00Z\",\"bytes\":10,\"datagrams\":2,\"width\":1,\"height\":1,"
                // its original is missing
                + "\"format\":\"jpeg\",\"transport\":\"chunked\",\"transferMs\":0.1}");
        Files.writeString(this.dir.resolve("lists/902.json.tmp"), "[1, 2");
        Files.writeString(this.dir.resolve("lists/903.json"), "[1, 2");

        try (ConfigurableApplicationContext second = start(100, "--udp.recording.enabled=false")) {
            Http http = http(second);
            assertThat(http.get("/received/images").text()).isEqualTo(images);
            assertThat(http.get("/received/lists").text()).isEqualTo(lists);
            assertThat(http.get("/received/latest.png").body()).isEqualTo(latestPng);
            assertThat(http.get("/received/images/1/original").body()).isEqualTo(large);
            assertThat(second.getBean(MeterRegistry.class).get("udp.store.skipped.files").counter().count())
                .isEqualTo(4);
            assertThat(this.dir.resolve("lists/902.json.tmp")).doesNotExist();

            sendImage(second, TestImages.smallJpeg(4));
            JsonNode newest = http.get("/received/images").json().get(0);
            assertThat(newest.get("id").asLong()).as("ids go on where they were").isEqualTo(5);
        }
    }

    /** With the recording off, the directory mirrors the history's images too. */
    @Test
    void theDirectoryKeepsOnlyWhatTheHistoryKeeps() throws IOException {
        try (ConfigurableApplicationContext context = start(2, "--udp.recording.enabled=false")) {
            for (int i = 0; i < 5; i++) {
                sendImage(context, TestImages.smallJpeg(10 + i));
                sendList(context, "[" + i + "]");
            }
        } // closing waits for the writer
        assertThat(names(this.dir.resolve("images"))).containsExactlyInAnyOrder("4.jpeg", "4.json", "5.jpeg", "5.json");
        assertThat(names(this.dir.resolve("lists"))).containsExactlyInAnyOrder("4.json", "5.json");
    }

    /**
     * With the recording on (the default) a frame or a list is written once, to the
     * recording, and the history comes back from it.
     */
    @Test
    void withTheRecordingOnImagesAreWrittenOnceAndTheHistoryComesBackFromIt() throws IOException {
        String images;
        String lists;
        try (ConfigurableApplicationContext context = start(2)) {
            for (int i = 0; i < 5; i++) {
                sendImage(context, TestImages.smallJpeg(20 + i));
                sendList(context, "[" + i + ", {\"n\": " + i + "}]");
            }
            images = http(context).get("/received/images").text();
            lists = http(context).get("/received/lists").text();
        }
        assertThat(this.dir.resolve("images")).doesNotExist();
        assertThat(this.dir.resolve("lists")).doesNotExist();
        try (ConfigurableApplicationContext context = start(2)) {
            assertThat(http(context).get("/received/images").text()).isEqualTo(images);
            assertThat(http(context).get("/received/lists").text()).isEqualTo(lists);
            assertThat(http(context).get("/recordings").json().get(0).get("frames").asLong()).isEqualTo(5);
        }
    }

    private static Stream<String> namesStream(Path folder) throws IOException {
        return Files.list(folder).map(path -> path.getFileName().toString());
    }

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<String> names = namesStream(folder)) {
            return names.toList();
        }
    }

}
