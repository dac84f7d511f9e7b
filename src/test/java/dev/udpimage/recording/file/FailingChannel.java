package dev.udpimage.recording.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file channel that fails like a full disk when told: the Nth write (or force) from now
 * throws "No space left on device", and so does every one after it until it is healed.
 * Writes that fail write nothing.
 */
final class FailingChannel extends FileChannel {

    /** Opens real channels that share one countdown. */
    static final class Opener implements FileOpener {

        private final AtomicInteger writesLeft = new AtomicInteger(Integer.MAX_VALUE);

        private final AtomicInteger forcesLeft = new AtomicInteger(Integer.MAX_VALUE);

        /** The {@code n}th write from now fails (1: the next), and every later one. */
        void failWrite(int n) {
            this.writesLeft.set(n - 1);
        }

        /** The {@code n}th force from now fails, and every later one. */
        void failForce(int n) {
            this.forcesLeft.set(n - 1);
        }

        void heal() {
            this.writesLeft.set(Integer.MAX_VALUE);
            this.forcesLeft.set(Integer.MAX_VALUE);
        }

        @Override
        public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
            return new FailingChannel(FileChannel.open(path, options), this);
        }

        void write() throws IOException {
            if (this.writesLeft.getAndDecrement() <= 0) {
                this.writesLeft.set(0);
                throw new IOException("No space left on device");
            }
        }

        void force() throws IOException {
            if (this.forcesLeft.getAndDecrement() <= 0) {
                this.forcesLeft.set(0);
                throw new IOException("Input/output error");
            }
        }

    }

    private final FileChannel real;

    private final Opener faults;

    private FailingChannel(FileChannel real, Opener faults) {
        this.real = real;
        this.faults = faults;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return this.real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return this.real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        this.faults.write();
        return this.real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        this.faults.write();
        return this.real.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return this.real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        this.real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return this.real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        this.real.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        this.faults.force();
        this.real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return this.real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        this.faults.write();
        return this.real.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return this.real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        this.faults.write();
        return this.real.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return this.real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return this.real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return this.real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        this.real.close();
    }

}
