package dev.udpimage.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 GET from a chosen loopback address ({@code 127.0.0.5}): the JDK's client
 * cannot choose its source, and the per-source limits need clients at other addresses.
 * Reads the status line and the headers only.
 */
public final class RawHttp {

    /**
     * @param headers names in lower case
     */
    public record Answer(int status, Map<String, String> headers) {
    }

    private RawHttp() {
    }

    public static Answer get(InetAddress source, int port, String path, String authorization) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP answer: " + status);
            }
            Map<String, String> headers = new HashMap<>();
            for (String line; (line = in.readLine()) != null && !line.isEmpty();) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).strip());
                }
            }
            return new Answer(Integer.parseInt(status.substring(9, 12)), headers);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
