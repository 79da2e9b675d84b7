package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    @Test
    void delete_removesATreeWithReadOnlyFoldersButNotWhatASymlinkPointsAt() throws IOException {
        Path keep = Files.writeString(tmp.resolve("keep.txt"), "mine");
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/file"), "x");
        Files.createSymbolicLink(tree.resolve("a/link"), keep);
        Files.setPosixFilePermissions(tree.resolve("a"), PosixFilePermissions.fromString("r-xr-xr-x"));

        FileTrees.delete(tree);

        assertThat(tree).doesNotExist();
        assertThat(keep).hasContent("mine");
    }

    @Test
    void deleteContents_emptiesAFolderButKeepsIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("root/sub"));
        Files.writeString(dir.resolve("f"), "x");
        Files.writeString(tmp.resolve("root/g"), "y");

        FileTrees.deleteContents(tmp.resolve("root"));

        assertThat(tmp.resolve("root")).isEmptyDirectory();
    }

    @Test
    void delete_missingOrNullPath_isFine() {
        FileTrees.delete(tmp.resolve("never-made"));
        FileTrees.delete(null);
        assertThat(FileTrees.deleteQuietly(tmp.resolve("never-made"))).isTrue();
    }

    @Test
    void delete_whatCannotBeDeleted_failsNamingTheTree() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(tree.resolve("f"), "x");
        // A folder whose parent refuses writes cannot be removed, whatever its own mode.
        Path parent = Files.createDirectories(tmp.resolve("locked"));
        Path inner = Files.createDirectories(parent.resolve("inner"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(parent.toFile().canWrite(), "root ignores modes: nothing here can fail to delete");
            assertThatThrownBy(() -> FileTrees.delete(inner))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("could not delete " + inner);
            assertThat(FileTrees.deleteQuietly(inner)).isFalse();
        } finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void sizeCountsApparentBytes_diskUsageCountsOnlyWrittenBlocks() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("sizes"));
        Files.write(dir.resolve("small"), new byte[1000]);
        try (RandomAccessFile sparse =
                new RandomAccessFile(dir.resolve("sparse").toFile(), "rw")) {
            sparse.setLength(64L << 20);
        }

        assertThat(FileTrees.size(dir)).isEqualTo(1000 + (64L << 20));
        assertThat(FileTrees.diskUsage(dir)).isPositive().isLessThan(1L << 20);
        assertThat(FileTrees.diskUsage(tmp.resolve("nothing-here"))).isEqualTo(-1);
    }
}
