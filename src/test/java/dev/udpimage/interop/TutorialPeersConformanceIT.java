package dev.udpimage.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.udpimage.support.Commands;
import dev.udpimage.support.LegacyTestClient;
import dev.udpimage.support.TestImages;

/**
 * The project's own Python peers ({@code clients/python/tutorial_client.py} and
 * {@code tutorial_server.py}, which every other test uses) against the shared reference
 * peers of {@code ../shared/seedproto}: each client's datagrams, captured on a socket of
 * this test, are the same byte for byte, and each server answers the same datagrams with
 * the same replies from the same port. So a clone alone runs every test, and CI checks
 * once that what it runs is what the reference does.
 */
class TutorialPeersConformanceIT {

    private static final Path SHARED = Path.of(System.getProperty("seedproto.dir", "../shared/seedproto"))
        .toAbsolutePath()
        .normalize();

    @BeforeAll
    static void peers() {
        Commands.require(Files.isRegularFile(SHARED.resolve("seed_client.py")),
                "the shared reference peers in " + SHARED + " (CI has them beside the repository)");
        SeedProto.requireAvailable();
    }

    @Test
    void theClientsSendTheSameDatagrams() throws Exception {
        Path odd = Files.createTempFile("conformance", ".jpg");
        Path even = Files.createTempFile("conformance", ".jpg");
        byte[] image = TestImages.smallJpeg(11);
        Files.write(odd, image);
        // a multiple of 1024: the tutorial's loop then sends an empty last datagram
        Files.write(even, Arrays.copyOf(image, (image.length / 1024 + 1) * 1024));
        for (String[] run : new String[][] { { "image", odd.toString() }, { "image", even.toString() },
                { "whole", odd.toString() }, { "list" } }) {
            List<String> reference = capture(SHARED.resolve("seed_client.py"), run);
            List<String> ours = capture(SeedProto.CLIENT, run);
            assertThat(ours).as(String.join(" ", run)).isNotEmpty().isEqualTo(reference);
        }
    }

    @Test
    void theServersAnswerTheSameDatagramsTheSameWay() throws Exception {
        List<String> reference = answers(SHARED.resolve("seed_server.py"));
        List<String> ours = answers(SeedProto.SERVER);
        assertThat(ours).containsExactly("get message!!!", "get message!!!", "get message!!!", "get the msg",
                "get the msg");
        assertThat(ours).isEqualTo(reference);
    }

    /**
     * Runs a client for two items against a socket of this test that answers as a server
     * does once an item is whole.
     * @return the datagrams it sent, in hex
     */
    private static List<String> capture(Path client, String[] run) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(10_000);
            List<String> command = new ArrayList<>(List.of(SeedProto.PYTHON.toString(), client.toString(), run[0]));
            if (run.length > 1) {
                command.add(run[1]);
            }
            command.addAll(List.of("127.0.0.1", String.valueOf(socket.getLocalPort()), "2"));
            CompletableFuture<SeedProto.Result> result = CompletableFuture
                .supplyAsync(() -> SeedProto.run(command, 60));
            List<String> datagrams = new ArrayList<>();
            byte[] buffer = new byte[65_536];
            for (int item = 0; item < 2; item++) {
                long expected = -1;
                long received = 0;
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    byte[] datagram = Arrays.copyOf(buffer, packet.getLength());
                    datagrams.add(HexFormat.of().formatHex(datagram));
                    boolean whole;
                    if (run[0].equals("image")) {
                        if (expected < 0) {
                            expected = ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN).getLong();
                            continue;
                        }
                        received += datagram.length;
                        // the reference loop sends n // 1024 + 1 datagrams: wait for the
                        // last
                        whole = received >= expected && (expected % 1024 != 0 || datagram.length == 0);
                    }
                    else {
                        whole = true;
                    }
                    if (whole) {
                        byte[] reply = (run[0].equals("list") ? "get the msg" : "get message!!!").getBytes();
                        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                        break;
                    }
                }
            }
            SeedProto.Result done = result.get();
            assertThat(done.exitCode()).as(done.output()).isZero();
            try {
                socket.setSoTimeout(200);
                socket.receive(new DatagramPacket(buffer, buffer.length));
                datagrams.add("and more");
            }
            catch (SocketTimeoutException ex) {
                // nothing after the last reply
            }
            return datagrams;
        }
    }

    /**
     * Starts a server and sends it chunked images (an odd size, a multiple of 1024) and
     * lists.
     */
    private static List<String> answers(Path server) throws IOException {
        int[] ports = SeedProto.receiverPorts();
        int imagePort = ports[0];
        int listPort = ports[1];
        Process process = SeedProto.server(server, imagePort, listPort);
        List<String> replies = new ArrayList<>();
        try (LegacyTestClient images = new LegacyTestClient(imagePort);
                LegacyTestClient lists = new LegacyTestClient(listPort)) {
            // no size a multiple of 1024: the tutorial's client then sends an empty
            // datagram after the image, which the tutorial's server reads as a header and
            // dies of (both do: docs/legacy-protocol.md); and small images, which fit the
            // socket's default buffer: sent unpaced, a larger one may overflow it while
            // Python reads, and the tutorial's server then waits forever
            for (byte[] sent : new byte[][] { TestImages.smallJpeg(12), TestImages.smallJpeg(13),
                    TestImages.smallJpeg(14) }) {
                assertThat(sent.length % 1024).isNotZero();
                images.sendChunked(sent);
                replies.add(images.reply());
                assertThat(images.lastReplySource().getPort()).isEqualTo(imagePort);
            }
            for (String list : new String[] { "[0, 0, 0, 1]", "{\"a\": [1, 2]}" }) {
                lists.send(list);
                replies.add(lists.reply());
                assertThat(lists.lastReplySource().getPort()).isEqualTo(listPort);
            }
        }
        finally {
            process.destroyForcibly();
        }
        return replies;
    }

}
