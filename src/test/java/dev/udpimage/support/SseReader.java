package dev.udpimage.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader of a Server-Sent Events stream as a page's EventSource reads it: HTTP/1.0 on a
 * socket of its own, every event's name and data kept in the order they came.
 */
public final class SseReader implements AutoCloseable {

    /** One event: its name ({@code message} when unnamed) and its data. */
    public record Event(String name, String data) {
    }

    private final Socket socket;

    private final List<Event> events = new ArrayList<>();

    private SseReader(Socket socket) {
        this.socket = socket;
        Thread reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens {@code path} on {@code port} of this machine; {@code authorization} may be
     * null.
     */
    public static SseReader open(int port, String path, String authorization) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        String request = "GET " + path + " HTTP/1.0\r\nAccept: text/event-stream\r\n"
                + ((authorization != null) ? "Authorization: " + authorization + "\r\n" : "") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return new SseReader(socket);
    }

    /** Every event so far. */
    public synchronized List<Event> events() {
        return List.copyOf(this.events);
    }

    private void read() {
        try (InputStream in = new BufferedInputStream(this.socket.getInputStream())) {
            for (String line = MjpegViewer.line(in); !line.isEmpty(); line = MjpegViewer.line(in)) {
                // the status line and the headers
            }
            String name = "message";
            StringBuilder data = new StringBuilder();
            while (true) {
                String line = new String(MjpegViewer.line(in).getBytes(StandardCharsets.ISO_8859_1),
                        StandardCharsets.UTF_8);
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        synchronized (this) {
                            this.events.add(new Event(name, data.toString()));
                        }
                    }
                    name = "message";
                    data.setLength(0);
                }
                else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                }
                else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).strip());
                }
            }
        }
        catch (IOException ended) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }

}
