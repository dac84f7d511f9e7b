package dev.udpimage.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A receiving webhook on loopback (the JDK's own HTTP server): it records every request
 * and answers the n-th one as its {@link Answer} says.
 */
public final class TestHook implements AutoCloseable {

    /** What the n-th request (from 0) is answered; may block. */
    public interface Answer {

        int status(int request) throws InterruptedException;

    }

    /** A request as the hook received it. */
    public record Request(Headers headers, byte[] body) {

        public String header(String name) {
            return this.headers.getFirst(name);
        }

        public String text() {
            return new String(this.body, StandardCharsets.UTF_8);
        }

    }

    public final String secret = "a-secret-of-32-characters-length";

    public final BlockingQueue<Request> received = new LinkedBlockingQueue<>();

    public final AtomicInteger requests = new AtomicInteger();

    /**
     * Counted down when the hook is closed, or by a test: what {@link #hold} waits for.
     */
    public final CountDownLatch released = new CountDownLatch(1);

    private final HttpServer server;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    public TestHook(Answer answer) {
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.server.setExecutor(this.threads);
        this.server.createContext("/hook", exchange -> handle(exchange, answer));
        this.server.start();
    }

    /** A hook answering its requests with these, the last one repeated. */
    public static TestHook answering(int... statuses) {
        return new TestHook(n -> statuses[Math.min(n, statuses.length - 1)]);
    }

    /** A hook that never answers (until closed). */
    public static TestHook hanging() {
        TestHook[] hook = new TestHook[1];
        hook[0] = new TestHook(n -> {
            hook[0].released.await();
            return 200;
        });
        return hook[0];
    }

    /** A hook that holds its first request until {@link #released}, then answers 200. */
    public static TestHook holdingTheFirst() {
        TestHook[] hook = new TestHook[1];
        hook[0] = new TestHook(n -> {
            if (n == 0) {
                hook[0].released.await();
            }
            return 200;
        });
        return hook[0];
    }

    /**
     * A hook that answers 200 at once, then sends one byte of its body and nothing more
     * (until closed).
     */
    public static TestHook answeringWithoutEnd() {
        TestHook[] hook = new TestHook[1];
        hook[0] = new TestHook(n -> -1);
        return hook[0];
    }

    private void handle(HttpExchange exchange, Answer answer) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            int n = this.requests.getAndIncrement();
            this.received.add(new Request(exchange.getRequestHeaders(), body));
            int status = answer.status(n);
            if (status < 0) { // a body begun and never ended
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write('{');
                exchange.getResponseBody().flush();
                this.released.await();
                return;
            }
            exchange.sendResponseHeaders(status, -1);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hook";
    }

    /** The next request received, waiting for it a while. */
    public Request next(Duration within) throws InterruptedException {
        Request request = this.received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("no request at " + url() + " within " + within);
        }
        return request;
    }

    public List<Request> all() {
        return List.copyOf(this.received);
    }

    /** The signature header the request should carry, computed here from the secret. */
    public String expectedSignature(Request request) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(this.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((request.header("X-Udp-Timestamp") + ".").getBytes(StandardCharsets.UTF_8));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
    }

    @Override
    public void close() {
        this.released.countDown();
        this.server.stop(0);
        this.threads.shutdownNow();
    }

}
