package dev.wisp.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/** A real small disk: a tmpfs mounted for a test (root only; tests assume it), and a file that fills it. */
public final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code mib} MiB on {@code dir}; skips the test when that is not allowed. */
    public static SmallDisk mount(Path dir, int mib) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Files.createDirectories(dir);
        assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs", dir.toString()) == 0,
                "mount -t tmpfs failed");
        return new SmallDisk(dir);
    }

    public Path root() {
        return mountPoint;
    }

    /** Writes {@code file} until the disk refuses another byte; returns its size. */
    public static long fill(Path file) throws IOException {
        return fill(file, 0);
    }

    /** Writes {@code file} until the disk refuses another byte, then gives {@code leave} bytes back; returns its size. */
    public static long fill(Path file, long leave) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int size : new int[] {64 * 1024, 4096, 512}) {
                try {
                    while (true) {
                        chunk.clear().limit(size);
                        while (chunk.hasRemaining()) {
                            ch.write(chunk);
                        }
                    }
                } catch (IOException e) {
                    if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                        throw e;
                    }
                }
            }
            if (leave > 0) {
                ch.truncate(Math.max(0, ch.size() - leave));
            }
            return ch.size();
        }
    }

    /** Free bytes on the disk holding {@code path}. */
    public static long free(Path path) throws IOException {
        return Files.getFileStore(path).getUsableSpace();
    }

    @Override
    public void close() throws Exception {
        if (run("umount", mountPoint.toString()) != 0) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
