package dev.udpimage;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import dev.udpimage.decode.PixelDecoder;
import dev.udpimage.protocol.ImageReassembler;

/**
 * Every setting of the service, under {@code udp.*}. Ports may be 0 (an ephemeral port,
 * used by the tests).
 *
 * @param imagePort UDP port for images (legacy header + chunks, or whole images)
 * @param listPort UDP port for JSON lists
 * @param bindAddress address both UDP ports bind to
 * @param socketReceiveBuffer SO_RCVBUF to ask for; the kernel caps it at
 * net.core.rmem_max, except for the image port of a process with CAP_NET_ADMIN, which
 * asks again with SO_RCVBUFFORCE
 * @param receiveSpin how long a port's receive thread keeps polling its socket after the
 * last datagram before it sleeps until the next; 0 sleeps at once (least CPU when traffic
 * is sparse, slowest stop-and-wait)
 * @param transfer limits of one legacy image transfer
 * @param store what is kept of what was received
 * @param send the control plane's limits
 * @param security who may use the HTTP API and the viewer
 * @param streams how received images are grouped into camera streams
 * @param viewers how many live viewers may be open at once
 * @param recording every stored frame of every camera, in segment files under
 * {@code udp.store.dir}
 * @param allowedSenders address ranges (CIDR) whose datagrams both UDP ports take;
 * anything else is dropped unanswered and counted. The default is what a camera on the
 * user's own network has: loopback, the private and link-local ranges (IPv4 and IPv6);
 * {@code 0.0.0.0/0,::/0} takes everyone
 */
@Validated
@ConfigurationProperties("udp")
public record UdpProperties(@DefaultValue("9999") @Min(0) @Max(65535) int imagePort,
        @DefaultValue("9998") @Min(0) @Max(65535) int listPort, @DefaultValue("0.0.0.0") @NotBlank String bindAddress,
        @DefaultValue("16MB") @NotNull DataSize socketReceiveBuffer,
        @DefaultValue("100us") @NotNull Duration receiveSpin, @DefaultValue @Valid Transfer transfer,
        @DefaultValue @Valid Store store, @DefaultValue @Valid Send send, @DefaultValue @Valid Security security,
        @DefaultValue @Valid Streams streams, @DefaultValue @Valid Viewers viewers,
        @DefaultValue @Valid Recording recording, @DefaultValue( {
                "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "::1/128", "fc00::/7",
                "fe80::/10" }) @NotNull List<String> allowedSenders){

    @AssertTrue(message = "udp.receive-spin must not be negative")
    boolean isReceiveSpinNotNegative() {
        return !this.receiveSpin.isNegative();
    }

    /**
     * What the bounded state can hold on the heap, all of it at once: the history of
     * images (file backend; the cluster's cache of recent images) and of lists, what
     * waits for the store workers, the legacy and the reliable-mode transfers in progress
     * (each up to {@code max-inflight-bytes}), the reassembler's pool of spare blocks,
     * the streams' newest frames and the pixel decoder's share.
     */
    public long heldInMemory() {
        return this.store.bytesInMemory() + Store.LIST_BYTES + 2 * Store.WAITING_BYTES
                + 2 * this.transfer.maxInflightBytes().toBytes() + ImageReassembler.POOLED_BYTES
                + this.streams.maxBytes().toBytes() + PixelDecoder.HEAP_BYTES;
    }

    /**
     * A history loaded at start that does not fit would fail the start with an
     * OutOfMemoryError after a long load, and a flood that fills every bound would end in
     * one, so settings that cannot fit are refused at once. A quarter of the heap stays
     * for everything else.
     */
    @AssertTrue(message = "udp.store.max-bytes, twice udp.transfer.max-inflight-bytes (legacy and reliable) and "
            + "udp.streams.max-bytes, with 96MB of fixed buffers, must fit in three quarters of the heap: raise -Xmx "
            + "(jvm.options) or lower them")
    boolean isHeldInMemoryWithinTheHeap() {
        return heldInMemory() <= Runtime.getRuntime().maxMemory() / 4 * 3;
    }

    /**
     * @param stallTimeout a transfer with no datagram for this long is discarded and
     * counted
     * @param maxImageBytes largest image a header may announce; also the upload limit of
     * {@code /send/image}
     * @param maxPending most transfers in progress at once (all senders); the oldest is
     * evicted for a new one
     * @param maxInflightBytes most memory held by transfers in progress, for legacy and
     * for reliable-mode transfers each; the oldest are evicted to make room
     * @param maxPixels most pixels (width x height, from the image's header) an image may
     * have; more is refused ({@code error: too many pixels}) before anything is stored or
     * sent, so that no header can make a renderer allocate what the heap cannot hold
     */
    public record Transfer(@DefaultValue("2s") @NotNull Duration stallTimeout,
            @DefaultValue("64MB") @NotNull DataSize maxImageBytes, @DefaultValue("256") @Min(1) int maxPending,
            @DefaultValue("64MB") @NotNull DataSize maxInflightBytes,
            @DefaultValue("50000000") @Min(1) long maxPixels) {

        @AssertTrue(message = "udp.transfer.max-image-bytes must be between 1 byte and 2047MB")
        boolean isMaxImageBytesInRange() {
            return this.maxImageBytes.toBytes() > 0 && this.maxImageBytes.toBytes() < Integer.MAX_VALUE - 8;
        }

        @AssertTrue(message = "udp.transfer.max-inflight-bytes must be at least udp.transfer.max-image-bytes")
        boolean isMaxInflightBytesLargeEnough() {
            return this.maxInflightBytes.toBytes() >= this.maxImageBytes.toBytes();
        }

        /** The reassembler's limits. */
        public ImageReassembler.Limits limits() {
            return new ImageReassembler.Limits(this.maxImageBytes.toBytes(), this.stallTimeout, this.maxPending,
                    this.maxInflightBytes.toBytes());
        }
    }

    /**
     * @param allowedTargets address ranges (CIDR) that {@code POST /send/*} may send to;
     * host names are resolved once and the resolved address is checked
     * @param allowedPorts port ranges ({@code 5000-5099}, or one port) that
     * {@code POST /send/*} may send to, besides this service's own two UDP ports
     * @param requestsPerSecond most {@code POST /send/*} requests a second from one
     * client address (bursts of twice that); more are answered 429
     * @param rate the pace of chunked sends, MB/s, when a request names none; 0 sends as
     * fast as the socket takes the chunks. The default is one the Python reference
     * receiver keeps up with (docs/operations.md says how to choose)
     * @param burst how far a paced send may run ahead of its rate
     */
    public record Send(@DefaultValue( {
            "127.0.0.0/8", "::1/128" }) @NotNull List<String> allowedTargets,
            @DefaultValue({ "5000-5099", "32768-60999" }) @NotNull List<String> allowedPorts,
            @DefaultValue("50") @Min(1) int requestsPerSecond, @DefaultValue("6") @Min(0) double rate,
            @DefaultValue("2KB") @NotNull DataSize burst){
    }

    /**
     * Credentials for the HTTP API and the viewer. With none set, only clients on
     * loopback are answered (protected mode); with any set, everyone must present them.
     * {@code /actuator/health} is always open.
     *
     * @param username the HTTP Basic user name
     * @param password its password: a hash such as {@code {bcrypt}$2a$10$...}, or the
     * plain password (from the environment, {@code UDP_SECURITY_PASSWORD}; it is hashed
     * at start and never kept)
     * @param token a bearer token ({@code Authorization: Bearer <token>}), also accepted
     * as the password of HTTP Basic with any user name (for the browser's prompt)
     */
    public record Security(String username, String password, String token) {

        /** Whether any credential is set: protected mode ends. */
        public boolean configured() {
            return hasText(this.password) || hasToken();
        }

        /** Whether a Basic user (name and password) is set. */
        public boolean hasUser() {
            return hasText(this.username);
        }

        /** Whether a bearer token is set. */
        public boolean hasToken() {
            return hasText(this.token);
        }

        @AssertTrue(message = "udp.security.username and udp.security.password go together")
        boolean isUserComplete() {
            return hasText(this.username) == hasText(this.password);
        }

        private static boolean hasText(String value) {
            return value != null && !value.isBlank();
        }
    }

    /**
     * @param history how many images and how many lists are kept (oldest dropped first)
     * @param maxBytes most bytes of images kept (oldest dropped first); the file backend
     * holds them all on the heap, the cluster backend at most 64 MB of them
     * @param dir where received images and lists are written, and loaded from at
     * start-up; empty: memory only
     * @param writeDelay how long what arrived is gathered before it is written as one
     * batch: items the history drops meanwhile are never written, so a flood costs at
     * most one history's worth of writes per delay. A crash loses at most this much of
     * what arrived from the disk (never from the running service)
     * @param backend {@code file} (one machine: memory, mirrored to {@code dir}) or
     * {@code cluster} (PostgreSQL and S3-compatible storage shared by every instance; the
     * {@code cluster} profile sets it)
     * @param instance this instance's name in the cluster store (which instance received
     * an item); empty: host name and process id
     * @param s3 the object storage of the cluster backend
     * @param sweepGrace the cluster backend deletes objects that no committed row names
     * once they are this old (a PUT whose row never committed)
     * @param workers threads per UDP port that save to a store that waits on the network
     * (the cluster store), each taking the senders that hash to it, in order
     * @param workerQueue items each of those threads may have waiting; past that a sender
     * gets {@code error: store busy} at once
     * @param durability file store: {@code async} replies once an item is in memory,
     * {@code sync} once it is on disk
     */
    public record Store(@DefaultValue("100") @Min(1) int history, @DefaultValue("64MB") @NotNull DataSize maxBytes,
            @DefaultValue("./data") String dir, @DefaultValue("200ms") @NotNull Duration writeDelay,
            @DefaultValue("file") @NotNull Backend backend, @DefaultValue("") String instance,
            @DefaultValue @Valid S3 s3, @DefaultValue("10m") @NotNull Duration sweepGrace,
            @DefaultValue("8") @Min(1) int workers, @DefaultValue("32") @Min(1) int workerQueue,
            @DefaultValue("async") @NotNull Durability durability) {

        /** Most bytes of sealed segments the cluster backend keeps in memory. */
        public static final long CLUSTER_CACHE_BYTES = 32L << 20;

        /**
         * The largest segment the cluster backend seals: it is built on the heap, while
         * its rows are read in batches.
         */
        public static final long CLUSTER_SEGMENT_BYTES = 32L << 20;

        /**
         * Most bytes the items waiting for a port's store workers hold together (where
         * the store waits: {@code sync}, the cluster); past it, {@code error: store
         * busy}.
         */
        public static final long WAITING_BYTES = 16L << 20;

        /** Most bytes the kept lists hold on the heap, as parsed trees (estimated). */
        public static final long LIST_BYTES = 16L << 20;

        /**
         * What a list takes on the heap as a parsed tree, at most, per byte of its JSON
         * text: {@code [0,0,...]} is two bytes an element, and a node with its reference
         * about 20.
         */
        public static final int JSON_TREE_FACTOR = 16;

        /**
         * The image bytes held on the heap: the file backend's whole history, the cluster
         * backend's cache of sealed segments and the segment it seals (its history is in
         * PostgreSQL and object storage).
         */
        public long bytesInMemory() {
            return (this.backend == Backend.FILE) ? this.maxBytes.toBytes()
                    : CLUSTER_CACHE_BYTES + CLUSTER_SEGMENT_BYTES;
        }

        /**
         * When a reply may leave. {@code async}: once the item is in memory; the disk is
         * written behind, and a crash loses what arrived in the last {@code write-delay}
         * (and what was being written). {@code sync}: once its files are written,
         * fsync'd, renamed and their directory fsync'd; concurrent senders' items share
         * the directory's fsync.
         */
        public enum Durability {

            ASYNC, SYNC

        }

        public enum Backend {

            FILE, CLUSTER

        }
    }

    /**
     * @param maxMjpeg most MJPEG viewers ({@code /received/stream.mjpeg}) open at once;
     * more are answered 503
     * @param maxEvents most Server-Sent Events streams ({@code /received/events}) open at
     * once; more are answered 503
     */
    public record Viewers(@DefaultValue("32") @Min(1) int maxMjpeg, @DefaultValue("32") @Min(1) int maxEvents) {
    }

    /**
     * S3-compatible object storage (AWS, MinIO, Ceph, S3Mock).
     *
     * @param endpoint the server; empty: AWS's own for the region
     * @param region the region to sign for
     * @param bucket where image bytes go (made at start if missing)
     * @param accessKey the access key; empty: the AWS SDK's default credentials chain
     * @param secretKey its secret
     * @param pathStyle path-style addressing ({@code endpoint/bucket/key}), as MinIO and
     * Ceph want
     * @param ifNoneMatch send {@code If-None-Match: *} with each PUT, so that no object
     * is ever overwritten (where the server supports conditional writes)
     * @param attemptTimeout longest one request may take (connecting, and waiting for
     * each read)
     * @param callTimeout longest a call may take with all its attempts
     * @param maxAttempts attempts per call (the first and its retries)
     */
    public record S3(@DefaultValue("") String endpoint, @DefaultValue("us-east-1") @NotBlank String region,
            @DefaultValue("udp-images") @NotBlank String bucket, @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey, @DefaultValue("true") boolean pathStyle,
            @DefaultValue("true") boolean ifNoneMatch, @DefaultValue("3s") @NotNull Duration attemptTimeout,
            @DefaultValue("10s") @NotNull Duration callTimeout, @DefaultValue("3") @Min(1) int maxAttempts) {
    }

    /**
     * @param key what makes a stream: the sender's address ({@code ip}: the Python
     * clients take a new port each run) or its address and port ({@code ip-port})
     * @param maxStreams most streams kept; past it the least recently seen is forgotten
     * @param maxBytes most bytes the streams' newest frames hold together (or one frame,
     * if larger); past it the least recently seen streams are forgotten
     */
    public record Streams(@DefaultValue("ip") @NotNull Key key, @DefaultValue("256") @Min(1) int maxStreams,
            @DefaultValue("16MB") @NotNull DataSize maxBytes) {

        /**
         * The camera a sender ({@code ip:port}, or already a camera) belongs to:
         * {@code ip}, or with {@code key=ip-port} the sender itself.
         */
        public String cameraOf(String sender) {
            if (this.key == Key.IP_PORT) {
                return sender;
            }
            int colon = sender.lastIndexOf(':');
            // IPv4 ip:port (an IPv6 sender has many colons, and stays whole)
            boolean hasPort = colon > 0 && sender.indexOf(':') == colon;
            return hasPort ? sender.substring(0, colon) : sender;
        }

        public enum Key {

            IP, IP_PORT

        }
    }

    /**
     * The recording: every stored image appended to its camera's segment files (a camera
     * is a stream, as {@code udp.streams.key} defines it), every list to its sender's
     * JSON lines, under {@code udp.store.dir}/recording. Retention deletes whole
     * segments, oldest first, at least once a second.
     *
     * @param enabled record (file backend, with a store directory)
     * @param segmentDuration a camera's open segment is sealed when its first frame is
     * this old; also the gap after which a new frame starts a new segment
     * @param segmentBytes ...or when it holds this many bytes
     * @param retention segments whose last frame is older are deleted
     * @param maxBytes most bytes all cameras' segments take together (oldest deleted
     * first)
     * @param minFree free space the disk keeps: below it the oldest segments of any
     * camera are deleted, whatever the other bounds allow
     * @param maxCameras most cameras recorded at once: a flood of senders from addresses
     * of their own cannot grow the recording's state without bound; frames of a camera
     * beyond it are stored and answered but not recorded (counted, logged) until
     * retention empties a camera
     * @param cameras per-camera overrides of {@code retention} and {@code max-bytes},
     * keyed by the camera ({@code udp.recording.cameras[192.168.1.20].retention=1d})
     */
    public record Recording(@DefaultValue("true") boolean enabled,
            @DefaultValue("1m") @NotNull Duration segmentDuration, @DefaultValue("64MB") @NotNull DataSize segmentBytes,
            @DefaultValue("7d") @NotNull Duration retention, @DefaultValue("20GB") @NotNull DataSize maxBytes,
            @DefaultValue("5GB") @NotNull DataSize minFree, @DefaultValue("1024") @Min(1) int maxCameras,
            @DefaultValue @NotNull java.util.Map<String, Camera> cameras) {

        @AssertTrue(
                message = "udp.recording.segment-duration must be at least 1s and udp.recording.segment-bytes at least 1MB")
        boolean isSegmentLargeEnough() {
            return this.segmentDuration.toMillis() >= 1000 && this.segmentBytes.toBytes() >= (1 << 20);
        }

        /** The retention in force for a camera. */
        public Duration retentionOf(String camera) {
            Camera own = this.cameras.get(camera);
            return own != null && own.retention() != null ? own.retention() : this.retention;
        }

        /** The byte bound in force for a camera's own segments; null: only the total. */
        public DataSize maxBytesOf(String camera) {
            Camera own = this.cameras.get(camera);
            return own != null ? own.maxBytes() : null;
        }

        /**
         * @param retention this camera's segments whose last frame is older are deleted
         * @param maxBytes most bytes this camera's segments take
         */
        public record Camera(Duration retention, DataSize maxBytes) {
        }
    }

}
