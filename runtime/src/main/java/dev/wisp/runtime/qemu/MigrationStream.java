package dev.wisp.runtime.qemu;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * Carries QEMU's migration stream between a Unix socket and a file, checksumming it on the way.
 *
 * <p>Why not {@code exec:cat}: the VMM runs under seccomp with spawning denied, so it may not
 * start {@code cat}; a socket that Wisp serves keeps the sandbox whole and lets Wisp see every
 * byte (size, CRC32C) without a second pass.
 */
final class MigrationStream {
    private static final int CHUNK = 1 << 20;

    /** Bytes moved and their CRC32C. */
    record Copied(long bytes, long crc32c) {}

    private MigrationStream() {}

    /** Listens at {@code socket}; the returned future completes when the VMM has sent all and closed. */
    static CompletableFuture<Copied> receiveInto(Path socket, Path file) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        // A jailed VMM runs as another uid and needs write access to connect; the directory is private.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        return runAsync(() -> {
            try (server;
                    SocketChannel in = server.accept();
                    FileChannel out = FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE)) {
                Copied copied = copy(in, out);
                out.force(false);
                return copied;
            } finally {
                Files.deleteIfExists(socket);
            }
        });
    }

    /** Connects to the VMM's incoming socket and sends the file; returns what was sent. */
    static Copied sendFrom(Path file, Path socket) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                SocketChannel out = connectWhenListening(socket)) {
            return copy(in, out);
        }
    }

    private static Copied copy(ReadableByteChannel in, WritableByteChannel out) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long total = 0;
        while (in.read(buf) >= 0) {
            buf.flip();
            crc.update(buf.duplicate());
            total += buf.remaining();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }
        return new Copied(total, crc.getValue());
    }

    private static SocketChannel connectWhenListening(Path socket) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return ch;
            } catch (IOException e) {
                ch.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("VMM never listened for the snapshot at " + socket, e);
                }
                Thread.onSpinWait();
            }
        }
    }

    private static <T> CompletableFuture<T> runAsync(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().name("migration-receive").start(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }
}
