package dev.udpimage.support;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A viewer of an MJPEG stream as curl or a camera viewer reads it: HTTP/1.0 on a socket
 * of its own (no chunked encoding to undo), every part's SHA-256 as soon as its last byte
 * arrives, so a test sees when each frame reached the viewer.
 */
public final class MjpegViewer implements AutoCloseable {

    private final Socket socket;

    private final List<String> shown = new ArrayList<>();

    private final CountDownLatch headers = new CountDownLatch(1);

    private MjpegViewer(Socket socket) {
        this.socket = socket;
        Thread reader = new Thread(this::read, "mjpeg-viewer");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens {@code path} on {@code port} of this machine; {@code authorization} may be
     * null.
     */
    public static MjpegViewer open(int port, String path, String authorization) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        String request = "GET " + path + " HTTP/1.0\r\n"
                + ((authorization != null) ? "Authorization: " + authorization + "\r\n" : "") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return new MjpegViewer(socket);
    }

    /** Whether the response's headers came within {@code timeout}. */
    public boolean awaitHeaders(Duration timeout) throws InterruptedException {
        return this.headers.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a part with this SHA-256 came within {@code timeout}. */
    public synchronized boolean awaitFrame(String sha256, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!this.shown.contains(sha256)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** The SHA-256 of every part so far, in order. */
    public synchronized List<String> shown() {
        return List.copyOf(this.shown);
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(this.socket.getInputStream()))) {
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                // the status line and the headers
            }
            this.headers.countDown();
            while (true) {
                String line = line(in);
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    byte[] jpeg = new byte[Integer.parseInt(line.substring(15).strip())];
                    line(in); // the blank line
                    in.readFully(jpeg);
                    synchronized (this) {
                        this.shown.add(TestImages.sha256(jpeg));
                        notifyAll();
                    }
                }
            }
        }
        catch (IOException ended) {
            // closed
        }
    }

    /** One line of an HTTP head or a multipart part's head, without its CR LF. */
    public static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("ended");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }

}
