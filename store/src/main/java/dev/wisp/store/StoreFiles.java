package dev.wisp.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout of a store directory. Log segments {@code wal-<seq>.log} and snapshots
 * {@code snap-<seq>.snap} share one sequence: {@code snap-N} holds the state as it was when
 * {@code wal-N} was started, so recovery loads the newest snapshot and replays segments N, N+1, ...
 */
final class StoreFiles {

    static final String LOCK = "LOCK";
    private static final Pattern WAL = Pattern.compile("wal-(\\d{16})\\.log");
    private static final Pattern SNAP = Pattern.compile("snap-(\\d{16})\\.snap");

    private StoreFiles() {}

    /** The store's files hold the control plane's state: readable by their owner alone. */
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** Opens {@code file}; if it is created, it is created with mode 0600. */
    static FileChannel openPrivate(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), PRIVATE_FILE);
    }

    static Path segment(Path dir, long seq) {
        return dir.resolve("wal-%016d.log".formatted(seq));
    }

    static Path snapshot(Path dir, long seq) {
        return dir.resolve("snap-%016d.snap".formatted(seq));
    }

    static List<Long> segments(Path dir) throws IOException {
        return sequences(dir, WAL);
    }

    static List<Long> snapshots(Path dir) throws IOException {
        return sequences(dir, SNAP);
    }

    /** Makes file creations, renames and deletions in {@code dir} durable (fsync of the directory). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static List<Long> sequences(Path dir, Pattern pattern) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = pattern.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Long.parseLong(m.group(1)));
                }
            });
        }
        out.sort(null);
        return out;
    }
}
