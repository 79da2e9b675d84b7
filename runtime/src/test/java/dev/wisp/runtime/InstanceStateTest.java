package dev.wisp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstanceStateTest {
    @Test
    void terminalStates_goNowhere() {
        assertThat(InstanceState.STOPPED.next()).isEmpty();
        assertThat(InstanceState.FAILED.next()).isEmpty();
    }

    @Test
    void snapshotted_hasNoProcessAndCanOnlyComeBackOrStop() {
        assertThat(InstanceState.SNAPSHOTTED.hasProcess()).isFalse();
        assertThat(InstanceState.SNAPSHOTTED.next())
                .containsExactlyInAnyOrder(InstanceState.RESTORING, InstanceState.STOPPED);
    }

    @Test
    void everyLiveState_canFail() {
        for (InstanceState s : InstanceState.values()) {
            if (s.hasProcess() && s != InstanceState.STOPPING) {
                assertThat(s.next()).as(s.name()).contains(InstanceState.FAILED);
            }
        }
    }
}
