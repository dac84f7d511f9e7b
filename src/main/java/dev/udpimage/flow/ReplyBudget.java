package dev.udpimage.flow;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import dev.udpimage.limit.PerKey;
import dev.udpimage.limit.TokenBucket;

/**
 * What one UDP port may send back to each source address, so that the port is no
 * reflection amplifier: a spoofed source gets back no more than {@value #RATIO} times the
 * bytes sent in its name (as QUIC allows an unvalidated address, RFC 9000 section 8.1),
 * and error replies at most {@value #ERRORS_PER_SECOND} a second (bursts of
 * {@value #ERROR_BURST}), like DNS response rate limiting.
 *
 * <p>
 * Every datagram received earns its source {@value #RATIO} times its length; every reply
 * spends its length. A small allowance that refills over time ({@value #ALLOWANCE_BYTES}
 * bytes a second) pays for replies larger than what earned them, so that a valid 2-byte
 * list {@code []} still gets its 11-byte {@code get the msg}. A reply the budget cannot
 * pay for is dropped and counted. Bounded: at most {@value #MAX_SOURCES} sources are
 * remembered.
 */
final class ReplyBudget {

    static final int RATIO = 3;

    static final int ALLOWANCE_BYTES = 1024;

    static final int ERRORS_PER_SECOND = 50;

    static final int ERROR_BURST = 100;

    static final int MAX_SOURCES = 4096;

    /** What a source may bank: a few large images' worth. */
    private static final long MAX_EARNED = 64L << 20;

    /** Why a reply was not sent. */
    enum Refusal {

        BUDGET("budget"), RATE("rate");

        private final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }

        String tag() {
            return this.tag;
        }

    }

    private static final class Source {

        private long earned;

        private final TokenBucket allowance;

        private final TokenBucket errors;

        Source(long nowNanos) {
            this.allowance = new TokenBucket(ALLOWANCE_BYTES, ALLOWANCE_BYTES, nowNanos);
            this.errors = new TokenBucket(ERROR_BURST, ERRORS_PER_SECOND, nowNanos);
        }

    }

    private final PerKey<InetAddress, Source> sources = new PerKey<>(MAX_SOURCES,
            address -> new Source(System.nanoTime()));

    /** The last source seen: consecutive datagrams nearly always come from one sender. */
    private InetAddress lastAddress;

    private Source last;

    /** A datagram of {@code bytes} arrived from {@code from}. */
    synchronized void received(SocketAddress from, int bytes) {
        Source source = source(from);
        if (source != null) {
            source.earned = Math.min(MAX_EARNED, source.earned + (long) RATIO * Math.max(bytes, 1));
        }
    }

    /**
     * Spends what a reply of {@code bytes} to {@code to} costs.
     * @return null if it may be sent, else why not
     */
    synchronized Refusal spend(SocketAddress to, int bytes, boolean error) {
        Source source = source(to);
        if (source == null) {
            return null;
        }
        long now = System.nanoTime();
        if (error && !source.errors.tryTake(1, now)) {
            return Refusal.RATE;
        }
        long fromEarned = Math.min(bytes, source.earned);
        long rest = bytes - fromEarned;
        if (rest > 0 && !source.allowance.tryTake(rest, now)) {
            return Refusal.BUDGET;
        }
        source.earned -= fromEarned;
        return null;
    }

    private Source source(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return null;
        }
        InetAddress ip = inet.getAddress();
        if (!ip.equals(this.lastAddress)) {
            this.last = this.sources.get(ip);
            this.lastAddress = ip;
        }
        return this.last;
    }

}
