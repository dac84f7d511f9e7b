package dev.udpimage.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small filesystem of its own for a test: a tmpfs mounted on a new temporary directory
 * (mounting takes root, {@link #available}), that a test fills, frees, and makes
 * read-only and writable again. {@link #close} unmounts it.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path root;

    private int fillers;

    private SmallDisk(Path root) {
        this.root = root;
    }

    /** Whether this machine lets tests mount a filesystem (root). */
    public static boolean available() {
        return Commands.isRoot();
    }

    public static SmallDisk mount(int megabytes) throws IOException {
        Path root = Files.createTempDirectory("udpimage-disk-");
        must("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", root.toString());
        return new SmallDisk(root);
    }

    public Path root() {
        return this.root;
    }

    /**
     * Fills the disk with a file of its own (one more each call), until about
     * {@code bytes} are left free.
     */
    public void fillUntilFree(long bytes) throws IOException {
        long free = Files.getFileStore(this.root).getUsableSpace();
        Path filler = this.root.resolve("filler-" + this.fillers++);
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            for (long left = free - bytes; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        catch (IOException full) {
            // filled to the last byte
        }
    }

    /** Deletes what {@link #fillUntilFree} wrote: space returns. */
    public void free() throws IOException {
        for (int i = 0; i < this.fillers; i++) {
            Files.deleteIfExists(this.root.resolve("filler-" + i));
        }
    }

    /**
     * Remounts it; read-only waits (up to 10 s) until no file on it is open for writing
     * (Linux refuses it before: the recording's open segments are sealed once idle).
     */
    public void readOnly(boolean readOnly) throws IOException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                must("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), this.root.toString());
                return;
            }
            catch (IOException busy) {
                if (!readOnly || !busy.getMessage().contains("busy") || System.nanoTime() > deadline) {
                    throw busy;
                }
                try {
                    Thread.sleep(200);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw busy;
                }
            }
        }
    }

    private static void must(String... command) throws IOException {
        Commands.Result result = Commands.run(List.of(command), 30);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result.output());
        }
    }

    @Override
    public void close() throws IOException {
        must("umount", "-l", this.root.toString());
        Files.deleteIfExists(this.root);
    }

}
