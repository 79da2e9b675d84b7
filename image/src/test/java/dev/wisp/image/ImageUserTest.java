package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageUserTest {
    @TempDir
    Path root;

    @BeforeEach
    void etc() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(
                root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1001:web:/home/web:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nweb:x:1001:\nstaff:x:50:web,other\nother:x:60:\n");
    }

    @Test
    void name_takesUidGidHomeAndSupplementaryGroupsFromTheImagesFiles() {
        assertThat(ImageUser.resolve("web", root)).isEqualTo(new ImageUser(1000, 1001, List.of(50, 1001), "/home/web"));
    }

    @Test
    void unset_isRoot() {
        assertThat(ImageUser.resolve("", root)).isEqualTo(new ImageUser(0, 0, List.of(0), "/root"));
    }

    @Test
    void numericUidNotListed_getsGidZero_andNamedGroupIsLookedUp() {
        assertThat(ImageUser.resolve("4242", root)).isEqualTo(new ImageUser(4242, 0, List.of(0), "/"));
        assertThat(ImageUser.resolve("web:staff", root)).isEqualTo(new ImageUser(1000, 50, List.of(50), "/home/web"));
        assertThat(ImageUser.resolve("7:8", root)).isEqualTo(new ImageUser(7, 8, List.of(8), "/"));
    }

    @Test
    void unknownNames_areOneLineErrorsThatSayWhatToGive() {
        assertThatThrownBy(() -> ImageUser.resolve("nobody", root))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("user 'nobody' is not in the image's /etc/passwd (give a numeric uid:gid)");
        assertThatThrownBy(() -> ImageUser.resolve("web:wheel", root))
                .hasMessage("group 'wheel' is not in the image's /etc/group (give a numeric gid)");
    }

    @Test
    void passwdBehindASymlink_isNotFollowedOutOfTheImage() throws Exception {
        Path outside = Files.writeString(root.resolveSibling(root.getFileName() + "-host-passwd"), "eve:x:5:5::/:/\n");
        Files.delete(root.resolve("etc/passwd"));
        Files.createSymbolicLink(root.resolve("etc/passwd"), outside);
        try {
            assertThatThrownBy(() -> ImageUser.resolve("eve", root)).hasMessageContaining("user 'eve' is not in");
        } finally {
            Files.delete(outside);
        }
    }
}
