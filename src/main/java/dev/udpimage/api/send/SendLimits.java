package dev.udpimage.api.send;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.udpimage.api.ProblemResponses;
import dev.udpimage.limit.PerKey;
import dev.udpimage.limit.TokenBucket;
import dev.udpimage.send.SendProperties;
import dev.udpimage.udp.TransferProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * Limits on {@code POST /send/*} before anything is read: an upload that says it is
 * larger than {@code udp.transfer.max-image-bytes} (and the little a multipart form adds)
 * is 413 at once, and each client address gets {@code udp.send.requests-per-second}
 * requests a second (bursts of twice that), then 429 with {@code Retry-After}. An upload
 * that does not say its size is cut off at the limit while it is read (413 too).
 */
@Component
class SendLimits extends OncePerRequestFilter {

    /** What a multipart form adds around the file: boundaries and part headers. */
    static final long MULTIPART_SLACK = 64 * 1024;

    /** A list is one datagram; its JSON, however it is spaced, is no more than this. */
    static final long MAX_LIST_REQUEST = 1024 * 1024;

    private static final int MAX_CLIENTS = 4096;

    private final long maxImageBytes;

    private final double perSecond;

    private final PerKey<String, TokenBucket> clients;

    private final ProblemResponses problems;

    SendLimits(TransferProperties transfer, SendProperties send, JsonMapper json) {
        this.maxImageBytes = transfer.maxImageBytes().toBytes();
        this.perSecond = send.requestsPerSecond();
        this.clients = new PerKey<>(MAX_CLIENTS,
                client -> new TokenBucket(2 * this.perSecond, this.perSecond, System.nanoTime()));
        this.problems = new ProblemResponses(json);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/send/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = request.getRequestURI().startsWith("/send/list") ? MAX_LIST_REQUEST
                : this.maxImageBytes + MULTIPART_SLACK;
        if (request.getContentLengthLong() > limit) {
            this.problems.write(request, response, HttpStatus.CONTENT_TOO_LARGE, "Image too large",
                    "the request has " + request.getContentLengthLong() + " bytes; an image may have at most "
                            + this.maxImageBytes + " (udp.transfer.max-image-bytes)");
            return;
        }
        boolean allowed;
        synchronized (this.clients) {
            allowed = this.clients.get(request.getRemoteAddr()).tryTake(1, System.nanoTime());
        }
        if (!allowed) {
            response.setHeader("Retry-After", "1");
            this.problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "Too many requests", "at most "
                    + (long) this.perSecond + " sends a second from one client " + "(udp.send.requests-per-second)");
            return;
        }
        chain.doFilter(request, response);
    }

}
