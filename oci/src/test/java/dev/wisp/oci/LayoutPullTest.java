package dev.wisp.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers from GNU tar in an OCI layout, pulled with the {@code oci:DIR} form: symlinks, limits, skipped nodes. */
class LayoutPullTest {
    @TempDir
    Path tmp;

    private PulledImage pull(String tag, Limits limits) {
        return new ImagePuller(
                        new RegistryClient(RegistryOptions.defaults()), new BlobCache(tmp.resolve("cache")), limits)
                .pull(ImageReference.parse("oci:" + tmp.resolve("layout") + ":" + tag), tmp.resolve("root"));
    }

    private Path staging(String name) throws Exception {
        return Files.createDirectories(tmp.resolve(name));
    }

    @Test
    void pathThroughAnAbsoluteSymlink_landsInsideTheRootNotOnTheHost() throws Exception {
        Path l1 = staging("l1");
        Files.createSymbolicLink(l1.resolve("hostetc"), Path.of("/etc"));
        Files.createDirectories(l1.resolve("etc"));
        Path l2 = staging("l2");
        Files.createDirectories(l2.resolve("hostetc"));
        Files.writeString(l2.resolve("hostetc/wisp-oci-probe"), "inside\n");
        // GNU tar stores l2's hostetc as a directory: the applier must not follow the symlink to the host
        TestImages.writeImage(
                tmp.resolve("layout"),
                "t",
                "amd64",
                List.of(
                        TestImages.Layer.gzip(TestImages.tar(l1)),
                        TestImages.Layer.plain(TestImages.tar(l2, "hostetc/wisp-oci-probe"))));

        pull("t", Limits.defaults());

        assertThat(tmp.resolve("root/etc/wisp-oci-probe")).hasContent("inside");
        assertThat(Path.of("/etc/wisp-oci-probe")).doesNotExist();
        assertThat(Files.readSymbolicLink(tmp.resolve("root/hostetc"))).isEqualTo(Path.of("/etc"));
    }

    @Test
    void relativeSymlinkPointingOut_isRefusedWithLayerAndPath() throws Exception {
        Path l1 = staging("l1");
        Files.createSymbolicLink(l1.resolve("up"), Path.of("../../outside"));
        TestImages.writeImage(tmp.resolve("layout"), "t", "amd64", List.of(TestImages.Layer.gzip(TestImages.tar(l1))));

        assertThatThrownBy(() -> pull("t", Limits.defaults()))
                .isInstanceOf(OciException.class)
                .hasMessageMatching(
                        "layer sha256:[0-9a-f]{64}: refused path '\\./up': a symlink to '\\.\\./\\.\\./outside', which points out of the root");
        assertThat(tmp.resolve("root")).doesNotExist();
    }

    @Test
    void fifo_isSkippedWithANote() throws Exception {
        Path l1 = staging("l1");
        Tools.run(l1, "mkfifo", "pipe");
        Files.writeString(l1.resolve("f"), "x");
        TestImages.writeImage(tmp.resolve("layout"), "t", "amd64", List.of(TestImages.Layer.zstd(TestImages.tar(l1))));

        PulledImage img = pull("t", Limits.defaults());

        assertThat(tmp.resolve("root/pipe")).doesNotExist();
        assertThat(tmp.resolve("root/f")).hasContent("x");
        assertThat(img.rootFs().notes()).singleElement().asString().startsWith("skipped FIFO /pipe (layer sha256:");
    }

    @Test
    void xattrsHardlinksAndDevices_capabilitiesAndUserXattrsKeptByteForByte_deviceSkippedWithANote() throws Exception {
        Path l1 = staging("l1");
        Files.writeString(l1.resolve("tool"), "#!/bin/sh\n");
        Tools.run(l1, "setcap", "cap_net_bind_service,cap_net_raw+ep", "tool");
        Files.getFileAttributeView(l1.resolve("tool"), java.nio.file.attribute.UserDefinedFileAttributeView.class)
                .write("note", java.nio.ByteBuffer.wrap("hello".getBytes()));
        Files.writeString(l1.resolve("setuid-tool"), "x");
        // cap_setuid is bit 7: a byte over 0x7f in the raw value
        Tools.run(l1, "setcap", "cap_setuid+ep", "setuid-tool");
        Files.writeString(l1.resolve("data"), "shared\n");
        Files.createLink(l1.resolve("data-link"), l1.resolve("data"));
        Tools.run(l1, "mknod", "null", "c", "1", "3");
        TestImages.writeImage(
                tmp.resolve("layout"),
                "t",
                "amd64",
                List.of(TestImages.Layer.gzip(TestImages.tar(l1, "--xattrs", "--xattrs-include=*", "."))));

        PulledImage img = pull("t", Limits.defaults());

        Map<String, byte[]> tool = img.rootFs().xattrs().get("tool");
        assertThat(tool).containsOnlyKeys("security.capability", "user.note");
        assertThat(tool.get("user.note")).asString().isEqualTo("hello");
        // VFS_CAP_REVISION_2 with the effective flag; permitted: bits 10 and 13
        assertThat(tool.get("security.capability"))
                .containsExactly(1, 0, 0, 2, 0, 0x24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        // read raw from the tar's headers: the tar reader would have altered the 0x80 byte
        assertThat(img.rootFs().xattrs().get("setuid-tool").get("security.capability"))
                .containsExactly(1, 0, 0, 2, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Files.isSameFile(tmp.resolve("root/data"), tmp.resolve("root/data-link")))
                .isTrue();
        assertThat(tmp.resolve("root/null")).doesNotExist();
        assertThat(img.rootFs().notes())
                .singleElement()
                .asString()
                .startsWith("skipped char device 1:3 /null (layer sha256:");
        // never set on the host's copy: a file capability there would be a privileged binary on the host
        assertThat(Tools.run(tmp, "getcap", tmp.resolve("root/tool").toString()))
                .isEmpty();
    }

    @Test
    void limits_errorsSayTheLimit() throws Exception {
        Path l1 = staging("l1");
        for (int i = 0; i < 5; i++) {
            Files.writeString(l1.resolve("f" + i), "0123456789");
        }
        TestImages.writeImage(tmp.resolve("layout"), "t", "amd64", List.of(TestImages.Layer.gzip(TestImages.tar(l1))));

        assertThatThrownBy(() -> pull("t", new Limits(1 << 20, 3)))
                .hasMessageContaining("more than the limit of 3 files");
        assertThatThrownBy(() -> pull("t", new Limits(25, 100)))
                .hasMessageContaining("would pass the limit of 25 bytes");
        assertThat(tmp.resolve("root")).doesNotExist();
        assertThat(pull("t", new Limits(50, 6)).rootFs().bytes()).isEqualTo(50);
    }

    @Test
    void missingTag_errorListsTheTagsThereAre() throws Exception {
        TestImages.writeImage(
                tmp.resolve("layout"), "one", "amd64", List.of(TestImages.Layer.gzip(TestImages.tar(staging("l1")))));
        assertThatThrownBy(() -> pull("two", Limits.defaults())).hasMessageContaining("has no tag 'two' (tags: one)");
    }
}
