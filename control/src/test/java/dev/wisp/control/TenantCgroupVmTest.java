package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.image.ImageStore;
import dev.wisp.runtime.jail.Privileges;
import dev.wisp.testing.HttpdApp;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's quota on the host, through a real control plane and real VMs: the tenant's service
 * runs in VMMs whose cgroups sit under the tenant's, and the tenant's cgroup carries the quota the
 * API holds (vCPUs; memory plus the VMM overhead of each instance; pids of each instance).
 */
class TenantCgroupVmTest {
    private static final int OVERHEAD_MIB = 160;
    private static final int PIDS_PER_VMM = 128;

    @TempDir
    Path scratch;

    @Test
    void tenantService_runsUnderTheTenantsCgroup_carryingItsQuota() throws Exception {
        VmTests.assume();
        assertThat(Privileges.isRoot())
                .as("VMMs are jailed (and cgroups made) only as root")
                .isTrue();
        try (ControlPlane cp =
                ControlPlane.start(Guests.config(scratch.resolve("data")).withStopOnClose(true))) {
            Http http = new Http(cp.apiUrl());
            String admin = Guests.adminToken(cp);
            String acme = http.tenantToken(
                    admin,
                    "acme",
                    "{\"name\":\"acme\",\"quota\":{\"vcpus\":2,\"memoryMiB\":1024,\"instances\":3,\"images\":5}}");
            Path app = HttpdApp.in(scratch.resolve("app"))
                    .page("acme-page\n")
                    .build(new ImageStore(scratch.resolve("build-home")))
                    .dir();
            String image = http.uploadImage(acme, app);
            http.created(
                    "/v1/services",
                    acme,
                    "{\"name\":\"web\",\"image\":\"" + image
                            + "\",\"scaling\":{\"min\":1,\"max\":2},\"resources\":{\"memoryMiB\":160}}");
            Guests.awaitServing(http, acme, "web", 1, Duration.ofSeconds(180));
            Http.Answer page = Http.viaRouter(cp.routerPort(), "web.acme.localhost", "/", acme);
            assertThat(page.status() + " " + page.body().trim()).isEqualTo("200 acme-page");

            String tenantGroup = "/wisp/" + ProcessHandle.current().pid() + "/acme/";
            List<Map<String, String>> acmeVmms = vmmCgroups().stream()
                    .filter(g -> g.values().stream().allMatch(p -> p.contains(tenantGroup)))
                    .toList();
            assertThat(acmeVmms)
                    .as("VMMs whose cpu, memory and pids groups are acme's")
                    .isNotEmpty();

            Map<String, String> one = acmeVmms.get(0);
            Path cpu = tenantDir("cpu", one.get("cpu"));
            Path memory = tenantDir("memory", one.get("memory"));
            Path pids = tenantDir("pids", one.get("pids"));
            assertThat(read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo(2 * 100_000L);
            assertThat(read(memory.resolve("memory.limit_in_bytes"))).isEqualTo((1024L + 3 * OVERHEAD_MIB) << 20);
            assertThat(read(pids.resolve("pids.max"))).isEqualTo(3L * PIDS_PER_VMM);
            assertThat(read(pids.resolve("pids.current"))).isPositive();
        }
    }

    /** Every jailed QEMU's cpu, memory and pids cgroup paths (from /proc/PID/cgroup). */
    private static List<Map<String, String>> vmmCgroups() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains("qemu-system") && c.contains("wisp-"))
                        .orElse(false))
                .map(p -> cgroups(p.pid()))
                .filter(m -> m.size() == 3)
                .toList();
    }

    private static Map<String, String> cgroups(long pid) {
        try {
            Map<String, String> out = new java.util.HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                String[] f = line.split(":", 3);
                // A host may mount cpu with cpuacct ("cpu,cpuacct").
                for (String c : f.length == 3 ? f[1].split(",") : new String[0]) {
                    if (List.of("cpu", "memory", "pids").contains(c)) {
                        out.put(c, f[2]);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            return Map.of(); // gone meanwhile
        }
    }

    /** The tenant's directory in a v1 hierarchy: the parent of the VMM's own group. */
    private static Path tenantDir(String controller, String vmmGroup) {
        Function<String, String> parent = p -> p.substring(0, p.lastIndexOf('/'));
        return Path.of("/sys/fs/cgroup", controller, parent.apply(vmmGroup).substring(1));
    }

    private static long read(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip());
    }
}
