package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.HostCommands;
import dev.wisp.common.WispHome;
import dev.wisp.image.Image;
import dev.wisp.runtime.vmm.VmmBuilder;
import dev.wisp.runtime.vmm.VmmChoice;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wisp's lean QEMU (built by {@code wisp setup --vmm wisp}) runs a real microVM, jailed where the
 * tests run as root, links none of the libraries it was built without, and gives a paused VM's
 * translated code back (TCG's {@code flush-on-stop}, Wisp's patch), and a clone's restore code
 * where asked ({@code tcg-flush} once it has settled).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class LeanQemuVmTest {
    /** What a paused VM's flushed code buffer may still hold (the prologue's page and a little more). */
    private static final long FLUSHED_KIB = 512;

    /** TcgCache's property that turns {@code flush-on-stop} on (package-private there). */
    private static final String FLUSH_ON_STOP = "wisp.tcg.flushOnStop";

    /** TcgCache's property that drops a restored guest's code once it has settled (package-private there). */
    private static final String FLUSH_WHEN_SETTLED = "wisp.tcg.flushWhenSettled";

    /**
     * What a clone's code buffer may hold once its restore's code is dropped: its idle path since
     * (~0.8 MiB); a clone that keeps it holds ~4 MiB or more at ready.
     */
    private static final long SETTLED_KIB = 2048;

    @TempDir
    static Path scratch;

    /** Wisp's build in the tests' home, if it has been built there. */
    private final Path lean = new VmmBuilder(WispHome.resolve()).cached().orElse(null);

    private VmRuntime runtime;

    @BeforeAll
    void start() {
        runtime = lean == null
                ? null
                : VmRuntime.start(
                        TestGuests.config().withQemuBinary(lean.toString()),
                        VmTests.kernel().vmlinux());
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** Skips (with the reason) where it has not been built; CI builds it first. */
    private void assumeBuilt() {
        Assumptions.assumeTrue(
                lean != null,
                "Wisp's QEMU is not built in " + WispHome.resolve()
                        + " (wisp setup --vmm wisp; scripts/test builds it)");
    }

    @Test
    void leanBuild_isTheDefaultVmmWhereBuilt() {
        assumeBuilt();
        String named = System.getProperty(VmmChoice.PROPERTY, "");
        Assumptions.assumeTrue(named.isBlank() || named.equals(VmmChoice.WISP), "-Dwisp.vmm names another VMM");
        assertThat(RuntimeConfig.defaults().qemuBinary()).isEqualTo(lean.toString());
        assertThat(VmmChoice.nameOf(lean.toString())).isEqualTo(VmmChoice.WISP);
    }

    @Test
    void leanBuild_linksNoDisassemblerCryptoOrDisplayLibraries() throws Exception {
        assumeBuilt();
        String libraries = HostCommands.run(scratch, "ldd", lean.toString());
        assertThat(libraries)
                .contains("libslirp", "libseccomp")
                .doesNotContain("libcapstone", "libgnutls", "libcrypto", "libSDL", "libgtk", "libspice", "libusb");
    }

    @Test
    void webApp_answers_andGivesItsTranslatedCodeBackWhilePaused() throws Exception {
        assumeBuilt();
        Image web = TestGuests.webApp(scratch);
        // read when the VMM's command line is built: this VM's only (the option is off by default)
        System.setProperty(FLUSH_ON_STOP, "true");
        Instance booted;
        try {
            booted = runtime.boot("lean-qemu-web", TestGuests.spec(web));
        } finally {
            System.clearProperty(FLUSH_ON_STOP);
        }
        TestGuests.checkThenStop(booted, vm -> {
            assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200 ");
            long pid = vm.vmmPid();
            assertThat(translatedCodeKib(pid)).isGreaterThan(FLUSHED_KIB);
            vm.pause();
            // the flush runs on the vCPU's thread after `stop` is answered: wait for it, bounded
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (translatedCodeKib(pid) > FLUSHED_KIB && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(translatedCodeKib(pid)).isLessThanOrEqualTo(FLUSHED_KIB);
            vm.resume();
            assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200 ");
            assertThat(translatedCodeKib(pid)).isGreaterThan(FLUSHED_KIB);
        });
    }

    @Test
    void clone_whereAsked_dropsTheCodeItsRestoreTranslated_andAnswers() throws Exception {
        assumeBuilt();
        Image web = TestGuests.webApp(scratch);
        Template template = runtime.createTemplate("lean-qemu-tpl", TestGuests.spec(web), scratch.resolve("template"));
        // read when the clone's VMM starts: this clone's only (the option is off by default)
        System.setProperty(FLUSH_WHEN_SETTLED, "true");
        Instance clone;
        try {
            clone = runtime.cloneFrom(template, "lean-qemu-clone");
        } finally {
            System.clearProperty(FLUSH_WHEN_SETTLED);
        }
        TestGuests.checkThenStop(clone, vm -> {
            long pid = vm.vmmPid();
            // the flush runs on the vCPU's thread after QMP answered: wait for it, bounded
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (translatedCodeKib(pid) > SETTLED_KIB && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(translatedCodeKib(pid)).isLessThanOrEqualTo(SETTLED_KIB);
            assertThat(TestGuests.get(vm.hostPort(), "/")).startsWith("200 ");
        });
    }

    /** Private KiB of the VMM's TCG code buffer: its one anonymous read-write-execute mapping. */
    private static long translatedCodeKib(long pid) throws Exception {
        long kib = 0;
        boolean code = false;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                code = f[1].equals("rwxp") && f.length == 5;
            } else if (code && (f[0].equals("Private_Clean:") || f[0].equals("Private_Dirty:"))) {
                kib += Long.parseLong(f[1]);
            }
        }
        return kib;
    }
}
