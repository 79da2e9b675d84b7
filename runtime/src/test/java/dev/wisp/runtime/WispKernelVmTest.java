package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.image.ImageBuilder;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelBuilder;
import dev.wisp.image.KernelChoice;
import dev.wisp.image.KernelMemory;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wisp's own guest kernel in a real microVM: the hello app answers in a 32 MiB guest, an image built
 * for Debian's kernel (its virtio modules inside) boots on it too, init loading no modules, and the
 * guest has IPv6 on its loopback only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class WispKernelVmTest {
    private static final Path HELLO = Path.of("..", "examples", "hello");

    @TempDir
    static Path scratch;

    private Kernel wisp;
    private VmRuntime runtime;

    @BeforeAll
    void start() {
        wisp = new KernelBuilder(WispHome.resolve()).cached().orElse(null);
        if (wisp != null) {
            runtime = VmRuntime.start(TestGuests.config(), wisp.vmlinux());
        }
    }

    /** Skips (with the reason) where the kernel has not been built; CI builds it first. */
    private void assumeBuilt() {
        Assumptions.assumeTrue(
                wisp != null,
                "Wisp's kernel is not built in " + WispHome.resolve()
                        + " (wisp setup --kernel wisp; scripts/test builds it)");
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void helloApp_answersIn32MiBGuest() {
        assumeBuilt();
        Image hello = httpdImage(HELLO, wisp);
        onGuest(
                "wisp-kernel-hello",
                hello,
                KernelMemory.WISP_KERNEL_FLOOR_MIB,
                vm -> assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200 "));
    }

    @Test
    void imageBuiltForDebiansKernel_bootsWithoutLoadingModules() {
        assumeBuilt();
        Kernel debian = KernelChoice.resolve(KernelChoice.DEBIAN, WispHome.resolve(), null);
        Image image = httpdImage(HttpdApp.in(scratch.resolve("debian-image")).write(), debian);
        assertThat(image.kernelVersion()).isEqualTo(debian.version());

        onGuest(
                "wisp-kernel-debian-image",
                image,
                32,
                vm -> assertThat(TestGuests.get(vm.hostPort(), "/")).isEqualTo("200 hello from a test guest"));
    }

    @Test
    void guestNetwork_hasIpv6OnLoopbackOnly() {
        assumeBuilt();
        Path folder = HttpdApp.in(scratch.resolve("ipv6"))
                .cgi("inet6", HttpdApp.CGI_TEXT + "cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6 /proc/net/if_inet6\n")
                .cgi(
                        "loopback6",
                        HttpdApp.CGI_TEXT + "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ::1 8080 | tail -1\n")
                .write();

        onGuest("wisp-kernel-ipv6", httpdImage(folder, wisp), 32, vm -> {
            // ::1 on lo, nothing on eth0 (no link-local address, no address configuration to redo after a
            // restore); the app's [::] listener answers on ::1 (busybox's wget crashes here: nc asks)
            assertThat(TestGuests.get(vm.hostPort(), "/cgi-bin/inet6"))
                    .startsWith("200 1\n00000000000000000000000000000001 ")
                    .doesNotContain("eth0");
            assertThat(TestGuests.get(vm.hostPort(), "/cgi-bin/loopback6")).isEqualTo("200 hello from a test guest");
        });
    }

    @Test
    void commonBoot_skipsTheShellYetGivesTheAppTheShellsEnvironment() {
        assumeBuilt();
        // PID 1 after ready is /init (the agent booted it) or /wisp/agent (the shell's init exec'd it);
        // the app's environment is that of httpd, the CGI's parent.
        Path folder = HttpdApp.in(scratch.resolve("boot-paths"))
                .cgi(
                        "boot",
                        HttpdApp.CGI_TEXT
                                + "tr '\\0' ' ' < /proc/1/cmdline; echo; tr '\\0' '\\n' < /proc/$PPID/environ | sort\n")
                .write();
        Map<String, String> seen = new LinkedHashMap<>();
        Map<String, ImageBuilder> builds = Map.of(
                "plain entrypoint, agent's boot",
                ImageBuilder.fromFolder(folder).entrypoint(HttpdApp.ENTRYPOINT),
                "shell entrypoint, agent's boot",
                ImageBuilder.fromFolder(folder).entrypoint("exec " + HttpdApp.ENTRYPOINT),
                "plain entrypoint, shell's boot (a disk)",
                ImageBuilder.fromFolder(folder).disk(true).entrypoint(HttpdApp.ENTRYPOINT));
        builds.forEach((path, build) -> {
            Image image = build.port(HttpdApp.PORT).build(wisp, new ImageStore(WispHome.resolve()));
            onGuest(
                    "wisp-kernel-boot-path",
                    image,
                    32,
                    vm -> seen.put(path, TestGuests.get(vm.hostPort(), "/cgi-bin/boot")));
        });

        assertThat(seen.get("plain entrypoint, agent's boot")).startsWith("200 /init \n");
        assertThat(seen.get("shell entrypoint, agent's boot")).startsWith("200 /init \n");
        assertThat(seen.get("plain entrypoint, shell's boot (a disk)")).startsWith("200 /wisp/agent \n");
        String environment = seen.get("plain entrypoint, agent's boot")
                .lines()
                .skip(1)
                .toList()
                .toString();
        assertThat(environment).contains("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "PWD=/app", "SHLVL=2");
        seen.forEach((path, answer) ->
                assertThat(answer.lines().skip(1).toList().toString()).as(path).isEqualTo(environment));
    }

    /** The httpd app in {@code folder}, built for {@code kernel}. */
    private static Image httpdImage(Path folder, Kernel kernel) {
        return ImageBuilder.fromFolder(folder)
                .entrypoint(HttpdApp.ENTRYPOINT)
                .port(HttpdApp.PORT)
                .build(kernel, new ImageStore(WispHome.resolve()));
    }

    /** Boots {@code image} on Wisp's kernel in {@code memoryMib}, runs {@code checks} on it, stops it. */
    private void onGuest(String name, Image image, int memoryMib, Consumer<Instance> checks) {
        Instance vm = runtime.boot(name, spec(image).withResources(1, memoryMib));
        try {
            checks.accept(vm);
        } finally {
            vm.stop();
        }
    }

    private VmSpec spec(Image image) {
        return VmSpec.of(new BootSource(wisp.vmlinux(), image.initrd(), image.disk(), List.of()), image.port());
    }
}
