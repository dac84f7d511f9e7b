package dev.udpimage.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client against the running service (JDK HttpClient, no Spring test client
 * in between).
 */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private final String base;

    /** Headers sent with every request: name, value, name, value... */
    private final List<String> headers;

    public Http(int port) {
        this("http://127.0.0.1:" + port, List.of());
    }

    public static Http at(String host, int port) {
        return new Http("http://" + host + ":" + port, List.of());
    }

    private Http(String base, List<String> headers) {
        this.base = base;
        this.headers = headers;
    }

    /** This client, sending one more header with every request. */
    public Http with(String name, String value) {
        List<String> more = new ArrayList<>(this.headers);
        more.add(name);
        more.add(value);
        return new Http(this.base, more);
    }

    /** This client with HTTP Basic credentials. */
    public Http basic(String user, String password) {
        return with("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @param headers the response's headers (names in lower case), empty where not known
     */
    public record Response(int status, String contentType, byte[] body, Map<String, List<String>> headers) {

        public Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }

        public String header(String name) {
            List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String text() {
            return new String(this.body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return JSON.readTree(this.body);
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /**
     * The status and headers of a GET, its body left unread (the connection closed): for
     * streams that do not end, and files not worth reading.
     */
    public Response headersOf(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i < this.headers.size(); i += 2) {
            request.header(this.headers.get(i), this.headers.get(i + 1));
        }
        try {
            HttpResponse<InputStream> response = this.client.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            Map<String, List<String>> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    new byte[0], headers);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    public Response post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A multipart/form-data POST with one file part. */
    public Response postFile(String path, String part, String filename, byte[] content) {
        String boundary = "----udp-image-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return post(path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private URI uri(String path) {
        return URI.create(this.base + path);
    }

    private Response send(HttpRequest.Builder request) {
        for (int i = 0; i < this.headers.size(); i += 2) {
            request.header(this.headers.get(i), this.headers.get(i + 1));
        }
        try {
            HttpResponse<byte[]> response = this.client.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<String>> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), headers);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

}
