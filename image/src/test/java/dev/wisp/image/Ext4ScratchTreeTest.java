package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ext4ScratchTreeTest {
    @TempDir
    Path dir;

    private Path tree(String name) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(root.resolve("srv/app"));
        Files.writeString(root.resolve("srv/app/main.py"), "print('hi')\n");
        Files.createLink(root.resolve("srv/app/alias.py"), root.resolve("srv/app/main.py"));
        Files.createSymbolicLink(root.resolve("srv/current"), Path.of("app"));
        return root;
    }

    @Test
    void zeroTimes_setsEveryEntryToTheEpoch_symlinksThemselves_andCountsEntries() throws Exception {
        Path root = tree("root");
        assertThat(Ext4Image.zeroTimes(root)).isEqualTo(5);
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                assertThat(a.lastModifiedTime().toMillis()).as(p.toString()).isZero();
            }
        }
    }

    @Test
    void buildFromScratchTree_givesTheSameDiskAsTheCopyingBuild_forATreeWithoutHardlinks() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a/srv"));
        Files.writeString(a.resolve("index.html"), "page\n");
        Files.createSymbolicLink(a.resolve("link"), Path.of("index.html"));
        Path b = Files.createDirectories(dir.resolve("b/srv"));
        Files.writeString(b.resolve("index.html"), "page\n");
        Files.createSymbolicLink(b.resolve("link"), Path.of("index.html"));
        Path scratchA = Files.createDirectories(dir.resolve("sa"));
        Path scratchB = Files.createDirectories(dir.resolve("sb"));
        String seed = "0123456789abcdef0123456789abcdef";

        Ext4Image.build(dir.resolve("a"), dir.resolve("copied.ext4"), seed, scratchA);
        Ext4Image.buildFromScratchTree(
                dir.resolve("b"), dir.resolve("inplace.ext4"), seed, scratchB, Ext4Image.Attributes.NONE);

        assertThat(ImageDigest.sha256(dir.resolve("inplace.ext4")))
                .isEqualTo(ImageDigest.sha256(dir.resolve("copied.ext4")));
        String listing = Commands.run(
                "debugfs",
                null,
                Map.of(),
                List.of(
                        "debugfs",
                        "-R",
                        "ls -l /srv",
                        dir.resolve("inplace.ext4").toString()));
        assertThat(listing).contains("index.html").contains("link");
    }
}
