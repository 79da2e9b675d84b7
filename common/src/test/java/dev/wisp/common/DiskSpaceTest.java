package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {
    @TempDir
    Path tmp;

    @Test
    void freeBytes_ofAPathNotYetMade_isThatOfItsNearestParent() throws IOException {
        long here = Files.getFileStore(tmp).getUsableSpace();
        long notYet = DiskSpace.freeBytes(tmp.resolve("a/b/c"));
        // Other writers share the disk: compare within 64 MiB, not exactly.
        assertThat(notYet).isPositive().isCloseTo(here, org.assertj.core.data.Offset.offset(64L << 20));
    }

    @Test
    void isNoSpace_knowsTheKernelsWordsOnly() {
        assertThat(DiskSpace.isNoSpace(new IOException("No space left on device")))
                .isTrue();
        assertThat(DiskSpace.isNoSpace(new IOException("write failed: Disk quota exceeded")))
                .isTrue();
        assertThat(DiskSpace.isNoSpace(new IOException("Permission denied"))).isFalse();
        assertThat(DiskSpace.isNoSpace(new IOException((String) null))).isFalse();
    }
}
