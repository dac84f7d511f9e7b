package dev.udpimage.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A lock every test JVM on this machine shares (the build runs two, and another checkout
 * may run its own): for what two of them may not do at once, such as start the local
 * cluster on its fixed ports or fetch the same npm tool. A file lock in the temporary
 * directory between JVMs, a semaphore within one (file locks are per JVM); held until
 * closed.
 */
public final class MachineLock implements AutoCloseable {

    private static final Map<String, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Semaphore local;

    private final FileChannel channel;

    private MachineLock(Semaphore local, FileChannel channel) {
        this.local = local;
        this.channel = channel;
    }

    /** Waits for the lock {@code name} (letters, digits, '-'). */
    public static MachineLock take(String name) throws IOException {
        if (!name.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("a lock name of letters, digits and '-': " + name);
        }
        Semaphore local = IN_THIS_JVM.computeIfAbsent(name, n -> new Semaphore(1));
        local.acquireUninterruptibly();
        FileChannel channel = null;
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "udp-image-service-test-locks");
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            channel.lock();
            return new MachineLock(local, channel);
        }
        catch (IOException | RuntimeException ex) {
            if (channel != null) {
                channel.close();
            }
            local.release();
            throw ex;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            this.channel.close(); // releases the file lock
        }
        finally {
            this.local.release();
        }
    }

}
