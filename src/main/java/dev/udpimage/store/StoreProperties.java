package dev.udpimage.store;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What is kept of what was received ({@code udp.store.*}). The cluster backend's own
 * settings ({@code udp.store.s3.*}, {@code instance}, the sweeper) are its own record.
 *
 * @param history how many images and how many lists are kept (oldest dropped first)
 * @param maxBytes most bytes of images kept (oldest dropped first); the file backend
 * holds them all on the heap, the cluster backend at most 64 MB of them
 * @param dir where the recording and the history are written, and loaded from at
 * start-up; empty: memory only
 * @param writeDelay what nobody waits for reaches the disk within this long: the
 * recording's appends are forced, and with the recording off the history's items are
 * gathered for this long and written as one batch (an item the history drops meanwhile is
 * never written). A crash of the machine loses at most this much of what arrived
 * @param backend {@code file} (one machine) or {@code cluster} (PostgreSQL and
 * S3-compatible storage shared by every instance; the {@code cluster} profile sets it)
 * @param workers threads per UDP port that save to a store that waits (the cluster store,
 * the file store in {@code sync}), each taking the senders that hash to it, in order
 * @param workerQueue items each of those threads may have waiting; past that a sender
 * gets {@code error: store busy} at once
 * @param durability file store: {@code async} replies once an item is in memory,
 * {@code sync} once it is on disk
 */
@Validated
@ConfigurationProperties("udp.store")
public record StoreProperties(@DefaultValue("100") @Min(1) int history,
        @DefaultValue("64MB") @NotNull DataSize maxBytes, @DefaultValue("./data") String dir,
        @DefaultValue("200ms") @NotNull Duration writeDelay, @DefaultValue("file") @NotNull Backend backend,
        @DefaultValue("8") @Min(1) int workers, @DefaultValue("32") @Min(1) int workerQueue,
        @DefaultValue("async") @NotNull Durability durability) {

    /** Most bytes of sealed segments the cluster backend keeps in memory. */
    public static final long CLUSTER_CACHE_BYTES = 32L << 20;

    /**
     * The largest segment the cluster backend seals: it is built on the heap, while its
     * rows are read in batches.
     */
    public static final long CLUSTER_SEGMENT_BYTES = 32L << 20;

    /**
     * Most bytes the items waiting for a port's store workers hold together (where the
     * store waits: {@code sync}, the cluster); past it, {@code error: store busy}.
     */
    public static final long WAITING_BYTES = 16L << 20;

    /** Most bytes the kept lists hold on the heap, as parsed trees (estimated). */
    public static final long LIST_BYTES = 16L << 20;

    /**
     * What a list takes on the heap as a parsed tree, at most, per byte of its JSON text:
     * {@code [0,0,...]} is two bytes an element, and a node with its reference about 20.
     */
    public static final int JSON_TREE_FACTOR = 16;

    /** Whether a directory is set (otherwise everything is kept in memory only). */
    public boolean hasDir() {
        return this.dir != null && !this.dir.isBlank();
    }

    /**
     * The image bytes held on the heap: the file backend's whole history, the cluster
     * backend's cache of sealed segments and the segment it seals (its history is in
     * PostgreSQL and object storage).
     */
    public long bytesInMemory() {
        return (this.backend == Backend.FILE) ? this.maxBytes.toBytes() : CLUSTER_CACHE_BYTES + CLUSTER_SEGMENT_BYTES;
    }

    /**
     * When a reply may leave. {@code async}: once the item is in memory; the disk is
     * written behind. {@code sync}: once it is on disk, fsync'd; concurrent senders'
     * items share the fsync (group commit).
     */
    public enum Durability {

        ASYNC, SYNC

    }

    public enum Backend {

        FILE, CLUSTER

    }

}
