package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootTreeTest {
    @TempDir
    Path dir;

    @Test
    void nestedFile_createsParentsBeforeIt() {
        RootTree t = new RootTree();
        t.file("a/b/c.txt", 0644, "x");

        assertThat(t.paths()).containsExactly("a", "a/b", "a/b/c.txt");
    }

    @Test
    void packagePaths_landUnderUsr() {
        assertThat(DebPackages.placeInImage("lib/x86_64-linux-gnu/libc.so.6"))
                .isEqualTo("usr/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(DebPackages.placeInImage("sbin/nginx")).isEqualTo("usr/sbin/nginx");
        assertThat(DebPackages.placeInImage("usr/share/doc/nginx/copyright")).isNull();
        assertThat(DebPackages.placeInImage("etc/nginx/nginx.conf")).isEqualTo("etc/nginx/nginx.conf");
    }

    @Test
    void hostTree_keepsSymlinksAndSkipsExistingWhenNotReplacing() throws Exception {
        Files.writeString(dir.resolve("f"), "new");
        Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
        RootTree t = new RootTree();
        t.file("x/f", 0600, "old");

        t.addHostTree(dir, rel -> "x/" + rel, false);

        assertThat(t.paths()).containsExactly("x", "x/f", "x/l");
    }

    @Test
    void pathEscapingTheRoot_isRejected() {
        assertThatThrownBy(() -> new RootTree().file("../etc/passwd", 0644, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
