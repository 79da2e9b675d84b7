package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.autoscaler.WakePath;
import dev.wisp.runtime.VmException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which failed wakes are tried again and by which path. The runtime's judgement of a failure
 * (host or guest) is tested in the runtime (VmmFaultTest); a real VMM killed mid-wake in {@link
 * HostFailedWakeVmTest}.
 */
class WakeRetriesTest {
    @Test
    void failuresThatAreNotAnInstanceFailingForTheHost_areNeverRetried() {
        for (RuntimeException e : List.of(
                new VmException("snapshot is corrupt: missing state"),
                new CapacityException("node memory full"),
                new IllegalStateException("instance x already exists"))) {
            assertThat(WakeRetries.hostFault(e)).as(e.getMessage()).isFalse();
            assertThat(WakeRetries.retry(e, 0)).as(e.getMessage()).isFalse();
        }
    }

    @Test
    void retryBound_twoRetriesPerWakeThenTheWakeFails() {
        assertThat(WakeRetries.MAX_RETRIES).isEqualTo(2);
        assertThat(WakeRetries.withinBound(0)).isTrue();
        assertThat(WakeRetries.withinBound(1)).isTrue();
        assertThat(WakeRetries.withinBound(2)).isFalse();
    }

    @Test
    void keptSnapshot_isRestoredAgain() {
        assertThat(WakeRetries.next(WakePath.RESTORE_SNAPSHOT, true, true)).isEqualTo(WakePath.RESTORE_SNAPSHOT);
        assertThat(WakeRetries.next(WakePath.RESTORE_SNAPSHOT, true, false)).isEqualTo(WakePath.RESTORE_SNAPSHOT);
    }

    @Test
    void noSnapshotLeft_templateThenColdBoot() {
        assertThat(WakeRetries.next(WakePath.RESTORE_SNAPSHOT, false, true)).isEqualTo(WakePath.CLONE_TEMPLATE);
        assertThat(WakeRetries.next(WakePath.RESUME_PAUSED, false, true)).isEqualTo(WakePath.CLONE_TEMPLATE);
        assertThat(WakeRetries.next(WakePath.RESUME_PAUSED, false, false)).isEqualTo(WakePath.COLD_BOOT);
        assertThat(WakeRetries.next(WakePath.CLONE_TEMPLATE, false, true)).isEqualTo(WakePath.CLONE_TEMPLATE);
        assertThat(WakeRetries.next(WakePath.CLONE_TEMPLATE, false, false)).isEqualTo(WakePath.COLD_BOOT);
        assertThat(WakeRetries.next(WakePath.COLD_BOOT, false, true)).isEqualTo(WakePath.COLD_BOOT);
    }
}
