package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.oci.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer's disk for overlayfs: its whiteouts as character devices 0/0, its opaque folders marked, its label. */
class Ext4LayerDiskTest {
    @TempDir
    Path tmp;

    private String debugfs(Path disk, String command) {
        return Commands.run("debugfs", List.of("debugfs", "-R", command, disk.toString()));
    }

    @Test
    void layerDisk_hasOverlayWhiteoutsOpaqueFoldersAndItsLabel() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("layer/www/sub"));
        Files.writeString(root.resolve("b"), "b\n");
        RootFs layer = new RootFs(
                tmp.resolve("layer"),
                3,
                2,
                Map.of(),
                Map.of(),
                List.of(),
                List.of("www/old.txt", "gone"),
                List.of("www/sub"));
        Path disk = tmp.resolve("l.ext4");

        Ext4Image.buildLayer(disk, "0123456789abcdef0123456789abcdef", "wisp-l1", tmp, layer);

        assertThat(debugfs(disk, "stat /www/old.txt"))
                .contains("Type: character special")
                .contains("Device major/minor number: 00:00");
        assertThat(debugfs(disk, "stat /gone")).contains("Type: character special");
        assertThat(debugfs(disk, "ea_get /www/sub trusted.overlay.opaque")).contains("y");
        assertThat(debugfs(disk, "cat /www/sub/b")).isEqualTo("b\n");
        assertThat(Commands.run("dumpe2fs", List.of("dumpe2fs", "-h", disk.toString())))
                .contains("Filesystem volume name:   wisp-l1");
    }
}
