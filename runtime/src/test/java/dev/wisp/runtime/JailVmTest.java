package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.common.ProcStat;
import dev.wisp.image.Image;
import dev.wisp.runtime.jail.JailConfig;
import dev.wisp.testing.Await;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Jailed VMMs on real microVMs: uid, namespaces, root, cgroup limits, a guest that eats memory or forks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class JailVmTest {
    /** Small, so that a guest filling its RAM takes its VMM over the limit. */
    private static final int OVERHEAD_MIB = 16;

    /** A CGI that fills the guest's RAM and keeps its CPUs busy (JailCostTest's too). */
    static final String EAT = HttpdApp.CGI_TEXT + """
            dd if=/dev/zero of=/fill bs=1M count=1024 2>/dev/null
            for i in 1 2 3 4; do awk 'BEGIN { s = "x"; while (1) s = s s }' & done
            wait
            echo done
            """;

    private static final String FORK_BOMB = HttpdApp.CGI_TEXT + """
            bomb() { bomb | bomb & }
            bomb
            echo forked
            """;

    @TempDir
    static Path scratch;

    private VmRuntime runtime;
    private VmSpec spec;

    @BeforeAll
    void startRuntime() {
        assertThat(dev.wisp.runtime.jail.Privileges.isRoot())
                .as("these tests jail VMMs, which needs root")
                .isTrue();
        Image image = HttpdApp.in(scratch.resolve("jail"))
                .cgi("whoami", TestGuests.WHOAMI)
                .cgi("eat", EAT)
                .cgi("bomb", FORK_BOMB)
                .build(HttpdApp.ENTRYPOINT, new dev.wisp.image.ImageStore(dev.wisp.common.WispHome.resolve()));
        spec = TestGuests.spec(image);
        runtime = VmRuntime.start(
                TestGuests.config().withJail(JailConfig.DEFAULT.withMemoryOverheadMib(OVERHEAD_MIB)),
                VmTests.kernel().vmlinux());
    }

    @AfterAll
    void stopRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void jailedVmm_ownUidNoCapsOwnNamespacesOnlyItsFilesAndItsLimits() throws IOException {
        Instance vm = runtime.boot("jail-facts", spec);
        try {
            long pid = vm.vmmPid();
            assertThat(TestGuests.get(vm.hostPort(), "/cgi-bin/whoami")).startsWith("200 jail-facts ");

            // No process of this VMM (the jail's waiter included) runs as root.
            List<Long> vmmProcesses = ProcessHandle.allProcesses()
                    .filter(p -> p.info()
                            .commandLine()
                            .map(c -> c.contains("wisp-jail-facts,"))
                            .orElse(false))
                    .map(ProcessHandle::pid)
                    .toList();
            assertThat(vmmProcesses).hasSize(2).contains(pid);
            for (long p : vmmProcesses) {
                int uid = Integer.parseInt(status(p, "Uid").split("\\s+")[0]);
                assertThat(uid).as("uid of " + p).isBetween(JailConfig.DEFAULT_UID_BASE + 1, 1 << 30);
            }
            assertThat(status(pid, "CapEff")).isEqualTo("0000000000000000");
            assertThat(status(pid, "CapBnd")).isEqualTo("0000000000000000");
            assertThat(status(pid, "NoNewPrivs")).isEqualTo("1");
            assertThat(status(pid, "Seccomp")).isEqualTo("2");
            assertThat(status(pid, "NSpid")).endsWith("\t1").as("pid 1 of its own pid namespace");
            for (String ns : List.of("mnt", "pid", "ipc", "uts")) {
                assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", ns)))
                        .as(ns + " namespace")
                        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns", ns)));
            }
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")))
                    .as("user networking listens on the host's loopback")
                    .isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));

            Path root = Path.of("/proc", Long.toString(pid), "root");
            Set<String> own = new java.util.HashSet<>(
                    Set.of("bin", "lib", "lib64", "share", "kernel", "initrd", "qmp.sock", "vmm.pid", "vmm-child.pid"));
            spec.boot().disk().ifPresent(d -> own.add("disk"));
            assertThat(names(root)).containsExactlyInAnyOrderElementsOf(own);
            assertThat(names(root.resolve("bin"))).containsExactly("qemu-system-x86_64");
            assertThat(Files.size(root.resolve("kernel")))
                    .isEqualTo(Files.size(spec.boot().kernel()));
            assertThat(Files.isWritable(root.resolve("kernel"))).isFalse();
            assertThat(root.resolve("root")).doesNotExist();
            assertThat(root.resolve("etc")).doesNotExist();

            // Its own cgroup, with its limits.
            List<Path> cgroup = runtime.jailer().orElseThrow().cgroupDirectories("jail-facts");
            assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")))
                    .contains("/wisp/" + ProcessHandle.current().pid() + "/default/jail-facts");
            assertThat(read(cgroup.get(0), "cpu.cfs_quota_us")).isEqualTo(100_000L * spec.vcpus());
            // Weighed like its vCPUs, and the platform's levels above it like the host's CPUs: all VMMs
            // together must not get one task's share of a busy host.
            assertThat(read(cgroup.get(0), "cpu.shares")).isEqualTo(1024L * spec.vcpus());
            long hostCpus = Runtime.getRuntime().availableProcessors();
            assertThat(read(cgroup.get(0).getParent(), "cpu.shares")).isEqualTo(1024L * hostCpus);
            assertThat(read(cgroup.get(0).getParent().getParent(), "cpu.shares"))
                    .isEqualTo(1024L * hostCpus);
            assertThat(read(cgroup.get(1), "memory.limit_in_bytes"))
                    .isEqualTo((long) (spec.memoryMib() + OVERHEAD_MIB) << 20);
            assertThat(read(cgroup.get(2), "pids.max")).isEqualTo((long) JailConfig.DEFAULT_PIDS_MAX);
            assertThat(read(cgroup.get(2), "pids.current")).isBetween(2L, (long) JailConfig.DEFAULT_PIDS_MAX);
        } finally {
            vm.stop();
        }
        assertThat(runtime.jailer().orElseThrow().cgroupDirectories("jail-facts"))
                .allSatisfy(d -> assertThat(d).doesNotExist());
        assertThat(runtime.instanceDirectory("jail-facts")).doesNotExist();
    }

    @Test
    void guestExhaustingMemory_failsOutOfMemoryAlone() throws Exception {
        Instance neighbour = runtime.boot("jail-calm", spec.withResources(1, 512));
        Instance hog = runtime.boot("jail-hog", spec);
        try {
            int port = hog.hostPort();
            Thread.ofVirtual().start(() -> TestGuests.get(port, "/cgi-bin/eat"));
            Await.until(Duration.ofMinutes(3), "the hog's VMM to die", () -> hog.state() == InstanceState.FAILED);
            assertThat(hog.failure()).hasValueSatisfying(f -> assertThat(f).startsWith("out of memory"));
            assertThat(TestGuests.get(neighbour.hostPort(), "/cgi-bin/whoami")).startsWith("200 jail-calm ");
            assertThat(neighbour.state()).isEqualTo(InstanceState.READY);
        } finally {
            hog.stop();
            neighbour.stop();
        }
    }

    @Test
    void forkBombInGuest_staysInTheGuestAndNeighboursKeepAnswering() throws Exception {
        Instance neighbour = runtime.boot("jail-quiet", spec);
        Instance bomber = runtime.boot("jail-bomb", spec);
        try {
            List<Path> cgroup = runtime.jailer().orElseThrow().cgroupDirectories("jail-bomb");
            long before = read(cgroup.get(2), "pids.current");
            long cpuBefore = ProcStat.cpuTicks(bomber.vmmPid());
            int port = bomber.hostPort();
            Thread.ofVirtual().start(() -> TestGuests.get(port, "/cgi-bin/bomb"));
            // The bomb is under way once its VMM has burnt 3 s of CPU (100 ticks a second) on it.
            Await.until(
                    Duration.ofMinutes(2),
                    "the guest's fork bomb to burn its vCPU",
                    () -> bomber.state() != InstanceState.READY
                            || ProcStat.cpuTicks(bomber.vmmPid()) - cpuBefore > 300);
            for (int i = 0; i < 5; i++) {
                assertThat(TestGuests.get(neighbour.hostPort(), "/cgi-bin/whoami"))
                        .as("the neighbour answers while the guest next door forks without end")
                        .startsWith("200 jail-quiet ");
            }
            assertThat(neighbour.state()).isEqualTo(InstanceState.READY);
            if (bomber.state() == InstanceState.READY) {
                assertThat(read(cgroup.get(2), "pids.current"))
                        .as("guest processes are not host processes")
                        .isLessThanOrEqualTo(Math.max(before + 8, 16));
            }
            assertThat(read(cgroup.get(2), "pids.max")).isEqualTo((long) JailConfig.DEFAULT_PIDS_MAX);
        } finally {
            bomber.stop();
            neighbour.stop();
        }
    }

    @Test
    void tenantVm_runsUnderItsTenantsCgroupWhichCarriesTheQuota() throws Exception {
        runtime.limitTenant("acme", 2, 1024, 3);
        List<Path> tenant = runtime.jailer().orElseThrow().tenantCgroupDirectories("acme");
        assertThat(read(tenant.get(0), "cpu.cfs_quota_us")).isEqualTo(2 * 100_000L);
        assertThat(read(tenant.get(0), "cpu.shares")).isEqualTo(2 * 1024L);
        assertThat(read(tenant.get(0), "cpu.cfs_period_us")).isEqualTo(100_000L);
        assertThat(read(tenant.get(1), "memory.limit_in_bytes")).isEqualTo((1024L + 3 * OVERHEAD_MIB) << 20);
        assertThat(read(tenant.get(2), "pids.max")).isEqualTo(3L * JailConfig.DEFAULT_PIDS_MAX);

        Template t = runtime.createTemplate("acme-web", spec.withTenant("acme"), scratch.resolve("tpl-acme"));
        Instance booted = runtime.boot("acme-boot", spec.withTenant("acme"));
        Instance clone = runtime.cloneFrom(t, "acme-clone");
        Instance other = runtime.boot("other-boot", spec);
        try {
            String own = "/wisp/" + ProcessHandle.current().pid() + "/";
            for (Instance vm : List.of(booted, clone)) {
                assertThat(TestGuests.get(vm.hostPort(), "/cgi-bin/whoami")).startsWith("200 ");
                // A clone may run on a VMM the pool started ahead (pool-N): it, too, sits under its tenant.
                assertThat(cgroupLines(vm.vmmPid()))
                        .as("cgroups of " + vm.id())
                        .allSatisfy(l -> assertThat(l).contains(own + "acme/"));
            }
            assertThat(runtime.jailer().orElseThrow().cgroupDirectories("acme-boot"))
                    .allSatisfy(d -> assertThat(d.getParent()).isIn(tenant));
            assertThat(cgroupLines(other.vmmPid()))
                    .allSatisfy(l -> assertThat(l).contains(own + VmSpec.DEFAULT_TENANT + "/"));

            // A quota change is written through; the same quota again changes nothing.
            runtime.limitTenant("acme", 3, 2048, 4);
            assertThat(read(tenant.get(0), "cpu.cfs_quota_us")).isEqualTo(3 * 100_000L);
            assertThat(read(tenant.get(1), "memory.limit_in_bytes")).isEqualTo((2048L + 4 * OVERHEAD_MIB) << 20);
            runtime.limitTenant("acme", 3, 2048, 4);
            assertThat(read(tenant.get(2), "pids.max")).isEqualTo(4L * JailConfig.DEFAULT_PIDS_MAX);
        } finally {
            clone.stop();
            booted.stop();
            other.stop();
            runtime.deleteSnapshot(t.snapshot().directory());
        }
    }

    private static String status(long pid, String key) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith(key + ":"))
                .map(l -> l.substring(key.length() + 1).strip())
                .findFirst()
                .orElseThrow();
    }

    /** The lines of /proc/PID/cgroup naming one of the VMM controllers (cpu, memory, pids). */
    private static List<String> cgroupLines(long pid) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                .filter(l -> l.matches("\\d+:(cpu|cpu,cpuacct|cpuacct,cpu|memory|pids):.*"))
                .toList();
        assertThat(lines).as("cpu, memory and pids lines of " + pid).hasSize(3);
        return lines;
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static long read(Path dir, String file) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(file)).strip());
    }
}
