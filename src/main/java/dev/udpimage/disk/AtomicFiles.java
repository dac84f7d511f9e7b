package dev.udpimage.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files written whole or not at all: to a temporary name, then renamed into place, so a
 * crash leaves either the whole file or none, and a failed write (a full disk) leaves no
 * half-written file.
 */
public final class AtomicFiles {

    /** What a temporary file's name ends with: a leftover is a crash's. */
    public static final String TMP = ".tmp";

    /**
     * Bytes per {@code write} call:
     * {@link Files#write(Path, byte[], java.nio.file.OpenOption...)} writes in 8 KB
     * pieces, each a system call plus a copy through a temporary direct buffer; 1 MB
     * pieces take a fraction of the writer's CPU, and the JDK's cached temporary buffer
     * stays at 1 MB.
     */
    private static final int WRITE_SLICE = 1 << 20;

    private AtomicFiles() {
    }

    /**
     * @param force fsync the file before it is renamed into place
     */
    public static void write(Path target, byte[] bytes, boolean force) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TMP);
        try {
            try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (int offset = 0; offset < bytes.length;) {
                    offset += file.write(ByteBuffer.wrap(bytes, offset, Math.min(WRITE_SLICE, bytes.length - offset)));
                }
                if (force) {
                    file.force(false);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (IOException ex) {
            // a full disk keeps no half-written file
            deleteQuietly(tmp, ex);
            throw ex;
        }
    }

    /** Makes the names renamed into a directory durable. */
    public static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    public static void deleteQuietly(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException ex) {
            failure.addSuppressed(ex);
        }
    }

}
