package dev.udpimage.notify.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.udpimage.access.CidrRange;

/**
 * One try of one notification at one hook: the hook's host resolved and every address it
 * resolves to checked against the allowed ranges, then one signed POST, bounded by the
 * timeout from start to end (connecting, the answer's headers and its body). No proxy, no
 * redirects: the request goes to the hook's own host or nowhere.
 */
final class WebhookClient {

    /** What a try came to. */
    enum Outcome {

        /** A 2xx answer. */
        SENT,

        /** A connection error, a timeout or a 5xx answer: worth trying again. */
        RETRY,

        /**
         * Anything else (a 4xx or 3xx answer, a host outside the allowed ranges): trying
         * again would not help.
         */
        FAILED

    }

    /**
     * @param outcome what it came to
     * @param why what happened, for the log
     */
    record Result(Outcome outcome, String why) {
    }

    /** The headers a notification carries besides its content type. */
    static final String EVENT = "X-Udp-Event";

    static final String DELIVERY = "X-Udp-Delivery";

    static final String TIMESTAMP = "X-Udp-Timestamp";

    static final String SIGNATURE = "X-Udp-Signature";

    private final HttpClient http;

    private final List<CidrRange> targets;

    private final Duration timeout;

    WebhookClient(List<CidrRange> targets, Duration timeout) {
        this.targets = List.copyOf(targets);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
            .connectTimeout(timeout)
            .proxy(HttpClient.Builder.NO_PROXY)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    }

    /**
     * POSTs {@code body} to the hook, signed with its secret and the current time.
     * @throws InterruptedException if the thread is interrupted (the try is abandoned)
     */
    Result post(URI url, String secret, String type, String delivery, byte[] body) throws InterruptedException {
        Result refused = refused(url.getHost());
        if (refused != null) {
            return refused;
        }
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        HttpRequest request = HttpRequest.newBuilder(url)
            .timeout(this.timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "udp-image-service")
            .header(EVENT, type)
            .header(DELIVERY, delivery)
            .header(TIMESTAMP, timestamp)
            .header(SIGNATURE, signature(secret, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        CompletableFuture<HttpResponse<Void>> answer = this.http.sendAsync(request,
                HttpResponse.BodyHandlers.discarding());
        try {
            int status = answer.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
            if (status >= 200 && status < 300) {
                return new Result(Outcome.SENT, "answered " + status);
            }
            return new Result(status >= 500 ? Outcome.RETRY : Outcome.FAILED, "answered " + status);
        }
        catch (TimeoutException ex) {
            answer.cancel(true);
            return new Result(Outcome.RETRY, "no answer within " + this.timeout.toMillis() + " ms");
        }
        catch (InterruptedException ex) {
            answer.cancel(true);
            throw ex;
        }
        catch (ExecutionException ex) {
            return failure(ex.getCause());
        }
    }

    /**
     * Why the host may not be sent to now, or null if it may: every address it resolves
     * to must be allowed, since the client connects by name (the JVM's address cache
     * answers it with the addresses checked here).
     */
    private Result refused(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        }
        catch (UnknownHostException ex) {
            return new Result(Outcome.RETRY, "unknown host " + host);
        }
        for (InetAddress address : addresses) {
            if (this.targets.stream().noneMatch(range -> range.contains(address))) {
                return new Result(Outcome.FAILED, "refused: " + host + " resolves to " + address.getHostAddress()
                        + ", which is not in udp.events.webhook-targets " + this.targets);
            }
        }
        return null;
    }

    private Result failure(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new Result(Outcome.RETRY, "no connection within " + this.timeout.toMillis() + " ms");
        }
        if (cause instanceof HttpTimeoutException) {
            return new Result(Outcome.RETRY, "no answer within " + this.timeout.toMillis() + " ms");
        }
        if (cause instanceof ConnectException) {
            return new Result(Outcome.RETRY, "connection refused");
        }
        if (cause instanceof IOException) {
            return new Result(Outcome.RETRY, "connection failed: " + cause);
        }
        return new Result(Outcome.FAILED, "cannot send: " + cause);
    }

    /**
     * {@code sha256=} and the lower-case hex of HMAC-SHA256 keyed with the secret's UTF-8
     * bytes, over the timestamp's digits, a dot and the body.
     */
    static String signature(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("every Java has HmacSHA256", ex);
        }
    }

}
