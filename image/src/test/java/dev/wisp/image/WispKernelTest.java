package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wisp's kernel: its config fragment, its cache, choosing a kernel and the memory floor it sets. */
class WispKernelTest {
    @TempDir
    Path home;

    @Test
    void bundledFragment_buildsInWhatTheGuestNeeds() {
        assertThat(WispKernelConfig.bundled().options())
                .contains(
                        "CONFIG_64BIT=y",
                        "CONFIG_PVH=y",
                        "CONFIG_VIRTIO_MMIO=y",
                        "CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y",
                        "CONFIG_VIRTIO_NET=y",
                        "CONFIG_VIRTIO_BLK=y",
                        "CONFIG_HW_RANDOM_VIRTIO=y",
                        "CONFIG_VIRTIO_VSOCKETS=y",
                        "CONFIG_SERIAL_8250_CONSOLE=y",
                        "CONFIG_EXT4_FS=y",
                        "CONFIG_OVERLAY_FS=y",
                        "CONFIG_DEVTMPFS=y",
                        "CONFIG_NO_HZ_IDLE=y")
                .noneMatch(o -> o.startsWith("CONFIG_MODULES="));
    }

    @Test
    void folderName_changesWithFragmentAndSourceVersion() {
        WispKernelConfig a = new WispKernelConfig("CONFIG_A=y\n");
        WispKernelConfig b = new WispKernelConfig("CONFIG_B=y\n");

        // sha256 of the fragment, then "\nsource <version>\n": the same name a shell or Python script computes.
        assertThat(a.folderName("6.1.192-3")).isEqualTo("6.1.192-3-cfafdc9e5b2d");
        assertThat(a.folderName("6.1.192-3")).isNotEqualTo(b.folderName("6.1.192-3"));
        assertThat(a.folderName("6.1.192-3")).isNotEqualTo(a.folderName("6.1.192-4"));
        assertThat(a.builtInto(a.folderName("6.1.192-3"))).isTrue();
        assertThat(b.builtInto(a.folderName("6.1.192-3"))).isFalse();
        assertThat(a.builtInto("6.1.0-57-cloud-amd64")).isFalse();
    }

    @Test
    void patch_namesANewFolder_andTheBundledOneTakesTheApicTimerRate() {
        WispKernelConfig plain = new WispKernelConfig("CONFIG_A=y\n");
        WispKernelConfig patched = new WispKernelConfig("CONFIG_A=y\n", "--- a/x\n+++ b/x\n");

        assertThat(patched.folderName("6.1.192-3")).isNotEqualTo(plain.folderName("6.1.192-3"));
        assertThat(patched.builtInto(plain.folderName("6.1.192-3"))).isFalse();
        assertThat(WispKernelConfig.bundled().patch()).contains("early_param(\"lapic_timer_khz\"");
    }

    @Test
    void bundledPatch_appliesToTheInstalledSource() throws Exception {
        assumeTrue(Files.isRegularFile(KernelBuilder.SOURCE_TARBALL), "no " + KernelBuilder.SOURCE_TARBALL);
        String text = WispKernelConfig.bundled().patch();
        // Only the files the patch touches are unpacked: the whole tree takes minutes.
        java.util.List<String> files = text.lines()
                .filter(l -> l.startsWith("+++ b/"))
                .map(l -> l.substring("+++ b/".length()).strip())
                .toList();
        java.util.List<String> tar =
                new java.util.ArrayList<>(java.util.List.of("tar", "-xJf", KernelBuilder.SOURCE_TARBALL.toString()));
        files.forEach(f -> tar.add(KernelBuilder.SOURCE_PACKAGE + "/" + f));
        Commands.run("tar", home, java.util.Map.of(), tar);
        Path tree = home.resolve(KernelBuilder.SOURCE_PACKAGE);
        Path patch = Files.writeString(home.resolve("p.patch"), text);

        Commands.run(
                "patch",
                tree,
                java.util.Map.of(),
                java.util.List.of("patch", "-p1", "--batch", "-i", patch.toString()));

        assertThat(files)
                .containsExactly(
                        "arch/x86/kernel/apic/apic.c",
                        "arch/x86/mm/init.c",
                        "net/ipv4/ipconfig.c",
                        "arch/x86/kernel/tsc.c");
        assertThat(Files.readString(tree.resolve(files.get(0)))).contains("early_param(\"lapic_timer_khz\"");
        assertThat(Files.readString(tree.resolve(files.get(1))))
                .doesNotContain("free_kernel_image_pages(\"unused kernel image (initmem)\"");
        assertThat(Files.readString(tree.resolve(files.get(2)))).contains("if (ic_myaddr == NONE)\n\t\tmsleep(");
        assertThat(Files.readString(tree.resolve(files.get(3))))
                .contains("cpu_khz = tsc_early_khz ? tsc_early_khz : x86_platform.calibrate_cpu();");
    }

    @Test
    void cached_findsOnlyBuildsOfTheCurrentFragment() throws Exception {
        WispKernelConfig config = new WispKernelConfig("CONFIG_A=y\n");
        KernelBuilder builder = new KernelBuilder(home, config, home.resolve("none.tar.xz"));
        assertThat(builder.cached()).isEmpty();

        Path stale = Files.createDirectories(home.resolve("kernels/wisp/6.1.1-1-000000000000"));
        Files.writeString(stale.resolve("vmlinux"), "old");
        Path built = Files.createDirectories(home.resolve("kernels/wisp/" + config.folderName("6.1.192-3")));
        Files.writeString(built.resolve("vmlinux"), "elf");
        Files.writeString(built.resolve(WispKernelConfig.FILE_NAME), config.text());

        Kernel k = builder.cached().orElseThrow();
        assertThat(k.vmlinux()).isEqualTo(built.resolve("vmlinux"));
        assertThat(k.modulesDir()).isNull();
        assertThat(KernelBuilder.isWispKernel(k.vmlinux())).isTrue();
        assertThat(KernelMemory.floorMib(k.vmlinux())).isEqualTo(KernelMemory.WISP_KERNEL_FLOOR_MIB);
        // Debian's kernel folder sits beside kernels/wisp and is not taken for a build.
        assertThat(new KernelProvisioner(home).cached()).isEmpty();
    }

    @Test
    void missingSource_namesThePackageToInstall() {
        KernelBuilder builder =
                new KernelBuilder(home, WispKernelConfig.bundled(), home.resolve("linux-source-6.1.tar.xz"));

        assertThatThrownBy(() -> builder.ensure(line -> {}))
                .isInstanceOf(ImageBuildException.class)
                .hasMessageContaining("install the package linux-source-6.1");
    }

    @Test
    void wispKernelNotBuilt_saysHowToBuildIt() {
        assertThatThrownBy(() -> KernelChoice.resolve("wisp", home, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Wisp's kernel is not built here: run `wisp setup --kernel wisp` first");
    }

    @Test
    void modulesWithANamedKernel_areRefused() {
        assertThatThrownBy(() -> KernelChoice.resolve("debian", home, home))
                .hasMessage("--modules goes with --kernel FILE, not --kernel debian");
    }

    @Test
    void userFileThatIsNoKernel_isRefused() throws Exception {
        Path bz = Files.write(home.resolve("bzImage"), new byte[] {'M', 'Z', 0, 0});

        assertThatThrownBy(() -> KernelChoice.resolve(bz.toString(), home, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pass an uncompressed vmlinux");
    }

    @Test
    void memoryBelowTheKernelsFloor_isRefusedWithTheFloor() throws Exception {
        Path debian = Files.writeString(home.resolve("vmlinux"), "elf");

        assertThat(KernelMemory.floorMib(debian)).isEqualTo(64);
        assertThatThrownBy(() -> KernelMemory.check(32, debian))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memory must be at least 64 MiB with this kernel, got 32"
                        + " (Wisp's own kernel boots in 32 MiB: wisp setup --kernel wisp)");
        KernelMemory.check(64, debian);
    }

    @Test
    void jvmBelowItsFloor_isRefusedNamingTheFloorOfItsKernel() throws Exception {
        Path debian = Files.writeString(home.resolve("vmlinux"), "elf");

        assertThat(KernelMemory.jvmFloorMib(debian)).isEqualTo(128);
        assertThatThrownBy(() -> KernelMemory.checkJvm("a Java function", 96, debian))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a Java function needs at least 128 MiB of memory with this kernel, got 96"
                        + " (with Wisp's own kernel it needs 64: wisp setup --kernel wisp)");
        KernelMemory.checkJvm("a Java function", 128, debian);
    }
}
