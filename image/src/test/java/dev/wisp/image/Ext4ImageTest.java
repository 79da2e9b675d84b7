package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.oci.RootFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ext4 disk of a container image, read back with debugfs: hard links, owners, xattrs. */
class Ext4ImageTest {
    private static final byte[] CAP_NET_BIND = {1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @TempDir
    Path tmp;

    private String debugfs(Path disk, String request) throws Exception {
        Process p = new ProcessBuilder("debugfs", "-R", request, disk.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void hardlinksOwnersAndXattrs_areInTheDisk_andTheDiskIsTheSameEachBuild() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(src.resolve("bin"));
        Files.writeString(src.resolve("bin/server"), "#!/bin/sh\n");
        Files.writeString(src.resolve("data"), "shared\n");
        Files.createLink(src.resolve("data-link"), src.resolve("data"));
        Map<String, Map<String, byte[]>> xattrs =
                Map.of("bin/server", Map.of("security.capability", CAP_NET_BIND, "user.note", "hello".getBytes()));
        Map<String, RootFs.Owner> owners = Map.of("data", new RootFs.Owner(1000, 1000));
        Path disk = tmp.resolve("disk.ext4");
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));

        Ext4Image.build(
                src, disk, "0123456789abcdef0123456789abcdef", scratch, new Ext4Image.Attributes(owners, xattrs));

        String data = debugfs(disk, "stat /data");
        assertThat(data).contains("Links: 2").contains("User:  1000").contains("Group:  1000");
        String inode = debugfs(disk, "ls -l /data").strip().split("\\s+")[0];
        assertThat(debugfs(disk, "ls -l /data-link").strip().split("\\s+")[0]).isEqualTo(inode);
        assertThat(debugfs(disk, "ea_list /bin/server"))
                .contains("user.note")
                .contains("hello")
                .contains("security.capability");
        Path cap = tmp.resolve("cap.bin");
        debugfs(disk, "ea_get -f " + cap + " /bin/server security.capability");
        assertThat(Files.readAllBytes(cap)).isEqualTo(CAP_NET_BIND);
        assertThat(debugfs(disk, "ea_list /data")).doesNotContain("security.");
        assertThat(scratch).isEmptyDirectory();

        Path again = tmp.resolve("again.ext4");
        Ext4Image.build(
                src, again, "0123456789abcdef0123456789abcdef", scratch, new Ext4Image.Attributes(owners, xattrs));
        assertThat(again).hasSameBinaryContentAs(disk);
        assertThat(List.of(debugfs(disk, "stat /bin/server"))).allMatch(s -> s.contains("ctime: 0x00000000"));
    }
}
