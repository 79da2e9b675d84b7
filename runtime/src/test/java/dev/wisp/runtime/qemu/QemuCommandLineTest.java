package dev.wisp.runtime.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.runtime.Accelerator;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.GuestMemory;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuCommandLineTest {
    private final VmSpec spec = new VmSpec(
            new BootSource(
                    Path.of("/k/vmlinux"),
                    Path.of("/i/initrd.img"),
                    Optional.of(Path.of("/i/disk.ext4")),
                    List.of("extra=1")),
            2,
            512,
            8080,
            null);

    private List<String> build(GuestMemory memory, boolean incoming) {
        return QemuCommandLine.build(
                "qemu-system-x86_64",
                Accelerator.TCG,
                spec,
                "web-1",
                Path.of("/run/web-1/qmp.sock"),
                "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:41000-:8080",
                memory,
                incoming,
                false,
                false);
    }

    @Test
    void everyVm_isSandboxedAndReachesOnlyItsForwardedPort() {
        String cmd = String.join(" ", build(new GuestMemory.Anonymous(), false));
        assertThat(cmd)
                .contains("-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny")
                .contains("-netdev user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:41000-:8080")
                .contains("-nodefaults -no-user-config")
                .contains("-smp 2")
                .contains("-m 512M")
                .contains("-drive file=/i/disk.ext4,if=none,id=disk0,format=raw,readonly=on")
                .doesNotContain("-incoming");
    }

    @Test
    void everyVmm_savesSnapshotsWithoutRunStateAndStartsLoadsUnpaused() {
        List<String> cmd = build(new GuestMemory.Anonymous(), true);
        assertThat(String.join(" ", cmd))
                .contains("-global migration.store-global-state=off")
                .contains("-incoming defer");
        assertThat(cmd).doesNotContain("-S");
    }

    @Test
    void kernelCmdline_carriesTheTcgSafetyParametersIdAndImageExtras() {
        List<String> cmd = build(new GuestMemory.Anonymous(), false);
        String append = cmd.get(cmd.indexOf("-append") + 1);
        assertThat(append)
                .containsPattern("tsc_early_khz=[0-9]+ lpj=8000000 no_timer_check tsc=reliable")
                .contains("wisp.id=web-1")
                .endsWith("extra=1");
    }

    @Test
    void env_isNeverOnTheCommandLine() {
        VmSpec withEnv =
                new VmSpec(spec.boot().withEnv(java.util.Map.of("SECRET", "hunter2-value")), 1, 256, 8080, null);
        List<String> cmd = QemuCommandLine.build(
                "qemu-system-x86_64",
                Accelerator.TCG,
                withEnv,
                "web-1",
                Path.of("/run/web-1/qmp.sock"),
                "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:41000-:8080",
                new GuestMemory.Anonymous(),
                false,
                false,
                false);
        assertThat(String.join(" ", cmd)).doesNotContain("hunter2").doesNotContain("SECRET");
        assertThat(withEnv.toString()).contains("SECRET").doesNotContain("hunter2");
    }

    @Test
    void memoryModes_mapToBackendsWithOneSharedName() {
        assertThat(build(new GuestMemory.Anonymous(), false)).contains("memory-backend-ram,id=mem,size=512M");
        assertThat(build(new GuestMemory.SharedFile(Path.of("/t/memory.bin")), false))
                .contains("memory-backend-file,id=mem,size=512M,mem-path=/t/memory.bin,share=on");
        assertThat(build(new GuestMemory.PrivateFile(Path.of("/t/memory.bin")), true))
                .contains("memory-backend-file,id=mem,size=512M,mem-path=/t/memory.bin,share=off")
                .containsSequence("-incoming", "defer");
    }

    @Test
    void wispsOwnKernel_bootsWithoutAcpiTablesAndACalibratedApicTimer_otherKernelsKeepBoth(@TempDir Path dir)
            throws Exception {
        List<String> cmd = buildOnWispKernel(dir, List.of());
        assertThat(cmd.get(cmd.indexOf("-M") + 1)).endsWith(",acpi=off");
        assertThat(cmd.get(cmd.indexOf("-append") + 1))
                .contains("lapic_timer_khz=1000000")
                .contains(" noreplace-smp ")
                .contains(" " + BootSource.KERNEL_IP_PARAMETER + " ");
        List<String> debian = build(new GuestMemory.Anonymous(), false);
        assertThat(debian.get(debian.indexOf("-M") + 1)).doesNotContain("acpi");
        assertThat(debian.get(debian.indexOf("-append") + 1))
                .doesNotContain("lapic_timer_khz")
                .doesNotContain("noreplace-smp")
                .doesNotContain(" ip=");
    }

    @Test
    void anImageWithItsOwnAddress_isNotGivenTheKernelsIp(@TempDir Path dir) throws Exception {
        List<String> cmd = buildOnWispKernel(dir, List.of("wisp.ip=10.0.3.15/24", "wisp.gw=10.0.3.2"));
        assertThat(cmd.get(cmd.indexOf("-append") + 1))
                .doesNotContain(" ip=")
                .endsWith("wisp.ip=10.0.3.15/24 wisp.gw=10.0.3.2");
    }

    /** The command line for a kernel in a folder marked as Wisp's, with these image parameters. */
    private static List<String> buildOnWispKernel(Path dir, List<String> imageCmdline) throws Exception {
        Path wisp = Files.createDirectories(dir.resolve("wisp"));
        Files.writeString(wisp.resolve("vmlinux"), "");
        Files.writeString(wisp.resolve("wisp-kernel.config"), "CONFIG_VIRTIO_MMIO=y\n");
        // The image module's own test of the same folder: both sides agree on what marks Wisp's kernel.
        assertThat(dev.wisp.image.KernelBuilder.isWispKernel(wisp.resolve("vmlinux")))
                .isTrue();
        VmSpec onWisp = new VmSpec(
                new BootSource(wisp.resolve("vmlinux"), Path.of("/i/initrd.img"), Optional.empty(), imageCmdline),
                1,
                64,
                8080,
                null);
        return QemuCommandLine.build(
                "qemu-system-x86_64",
                Accelerator.TCG,
                onWisp,
                "web-1",
                Path.of("/run/web-1/qmp.sock"),
                "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:41000-:8080",
                new GuestMemory.Anonymous(),
                false,
                QemuCommandLine.isWispKernel(wisp.resolve("vmlinux")),
                false);
    }
}
