package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node's memory arithmetic: what is admitted, what is refused, and what the errors say. */
class CapacityTest {
    private static VmSpec vm(int vcpus, int memoryMiB) {
        return new VmSpec(new BootSource(Path.of("/k"), Path.of("/i"), null, List.of()), vcpus, memoryMiB, 8080, null);
    }

    private static Capacity capacity(long memoryMiB, long reserveMiB, double overcommit) {
        return new Capacity(CapacityConfig.defaults()
                .withSize(memoryMiB, 2)
                .withReserve(reserveMiB)
                .withMemoryOvercommit(overcommit));
    }

    @Test
    void limit_isHostMinusReserveTimesOvercommit() {
        assertThat(Capacity.limit(24_000, 1024, 1.0)).isEqualTo(22_976);
        assertThat(Capacity.limit(4096, 1024, 1.5)).isEqualTo(4608);
        assertThat(Capacity.limit(512, 1024, 1.0))
                .as("a reserve bigger than the host admits nothing")
                .isZero();
    }

    @Test
    void memTotal_isReadFromMeminfoInMiB() {
        assertThat(Capacity.parseMemTotalMiB("MemTotal:       24572084 kB\nMemFree:  1 kB\n"))
                .isEqualTo(23996);
    }

    @Test
    void hostSize_comesFromProcMeminfoAndTheCpuCount() {
        NodeCapacity c = new Capacity(CapacityConfig.defaults()).snapshot(0, 0, 0);
        assertThat(c.memoryMiB()).isGreaterThan(256);
        assertThat(c.vcpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.memoryLimitMiB()).isEqualTo(c.memoryMiB() - CapacityConfig.DEFAULT_RESERVE_MIB);
    }

    @Test
    void smallAndLargeInstances_fillMemoryExactlyThenAreRefused() {
        Capacity c = capacity(2048, 0, 1.0);
        assertThat(c.admit("inference-1", vm(2, 1024))).isTrue();
        for (int i = 1; i <= 8; i++) {
            assertThat(c.admit("fn-" + i, vm(1, 128)))
                    .as("128 MiB function %d", i)
                    .isTrue();
        }
        assertThat(c.admit("fn-9", vm(1, 128))).as("the node is full").isFalse();
        NodeCapacity s = c.snapshot(9, 0, 0);
        assertThat(s.allocatedMemoryMiB()).isEqualTo(2048);
        assertThat(s.allocatedVcpus())
                .as("vCPUs are counted beyond the host's 2")
                .isEqualTo(10);
        assertThat(s.refusals()).isEqualTo(1);
        assertThat(s.freeMemoryMiB()).isZero();

        c.release("inference-1");
        assertThat(c.admit("fn-9", vm(1, 128))).isTrue();
        assertThat(c.snapshot(9, 0, 0).allocatedMemoryMiB()).isEqualTo(1024 + 128);
    }

    @Test
    void anInstanceThatHoldsMemory_isAdmittedAgainAtNoCost() {
        Capacity c = capacity(256, 0, 1.0);
        assertThat(c.admit("svc-1", vm(1, 256))).isTrue();
        assertThat(c.admit("svc-1", vm(1, 256)))
                .as("a paused instance resuming")
                .isTrue();
        assertThat(c.allocatedMemoryMiB()).isEqualTo(256);
        c.release("svc-1");
        c.release("svc-1");
        assertThat(c.allocatedMemoryMiB()).isZero();
    }

    @Test
    void deployThatCannotFitNow_failsWithTheNumbers() {
        Capacity c = capacity(1024, 0, 1.0);
        c.admit("other-1", vm(1, 512));
        assertThatThrownBy(() -> c.checkDeploy("big", vm(1, 256), 3))
                .isInstanceOf(CapacityException.class)
                .hasMessageContaining("service 'big' does not fit")
                .hasMessageContaining("3 instance(s) x 256 MiB = 768 MiB needed, 512 MiB free")
                .hasMessageContaining("512 of 1024 MiB allocated");
        c.checkDeploy("small", vm(1, 256), 2);
    }

    @Test
    void instanceBiggerThanTheWholeNode_failsEvenWithNoInstancesAtStart() {
        Capacity c = capacity(2048, 512, 1.0);
        assertThatThrownBy(() -> c.checkDeploy("huge", vm(1, 4096), 0))
                .isInstanceOf(CapacityException.class)
                .hasMessageContaining("one instance needs 4096 MiB but the node admits 1536 MiB")
                .hasMessageContaining("host 2048 MiB - reserve 512 MiB");
    }

    @Test
    void overcommit_admitsMoreGuestMemoryThanTheHostHas() {
        Capacity c = capacity(1024, 0, 2.0);
        assertThat(c.admit("a-1", vm(1, 1024))).isTrue();
        assertThat(c.admit("a-2", vm(1, 1024))).isTrue();
        assertThat(c.admit("a-3", vm(1, 64))).isFalse();
    }

    @Test
    void badSettings_areRejectedClearly() {
        assertThatThrownBy(() -> new CapacityConfig(-1, 0, 0, 1.0)).hasMessageContaining("must be >= 0");
        assertThatThrownBy(() -> new CapacityConfig(0, 0, 0, 0.5)).hasMessageContaining("overcommit must be 1.0..10.0");
    }
}
