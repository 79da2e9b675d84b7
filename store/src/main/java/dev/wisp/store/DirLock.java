package dev.wisp.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a store directory: an OS file lock on {@code dir/LOCK}, which the kernel
 * drops when the process dies, so a crash never leaves a stale lock behind.
 */
final class DirLock implements AutoCloseable {

    /**
     * Directories open in this JVM. Checked before touching the lock file, because POSIX drops a
     * process's lock when <em>any</em> of its descriptors for the file is closed, so probing the
     * lock from a second channel in the same process would silently release the first.
     */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    static DirLock acquire(Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (!OPEN_HERE.add(real)) {
            throw new StoreLockedException("state store " + real + " is already open in this process");
        }
        Path file = real.resolve(StoreFiles.LOCK);
        FileChannel ch = null;
        try {
            ch = StoreFiles.openPrivate(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ByteBuffer buf = ByteBuffer.allocate(64);
                ch.read(buf, 0);
                String holder = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
                throw new StoreLockedException("state store " + real + " is in use by another process"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; lock file " + file);
            }
            // For the error message of whoever tries next.
            try {
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            } catch (IOException e) {
                // Only a hint (a full disk, say): the lock holds without it, and the store must open to be read.
            }
            return new DirLock(real, ch, lock);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            OPEN_HERE.remove(real);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            OPEN_HERE.remove(dir);
        }
    }
}
