package dev.wisp.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CapacityPlanTest {

    @Test
    void seedExample_needsTenServersWithScaleToZeroAndTenThousandAlwaysOn() {
        CapacityPlan plan = new CapacityPlan(1_000_000, 1_000, 100);

        assertThat(plan.serversScaleToZero()).isEqualTo(10);
        assertThat(plan.serversAlwaysOn()).isEqualTo(10_000);
    }

    @Test
    void partlyFilledServer_isRoundedUp() {
        CapacityPlan plan = new CapacityPlan(1_001, 101, 100);

        assertThat(plan.serversScaleToZero()).isEqualTo(2);
        assertThat(plan.serversAlwaysOn()).isEqualTo(11);
    }

    @Test
    void serverAndInstanceMemory_giveInstancesPerServerRoundedDown() {
        assertThat(CapacityPlan.instancesPerServer(12_800, 128)).isEqualTo(100);
        assertThat(CapacityPlan.instancesPerServer(12_900, 128)).isEqualTo(100);
        assertThat(CapacityPlan.instancesPerServer(1_024, 1_024)).isEqualTo(1);
    }

    @Test
    void badInputs_areRejectedNamingTheInput() {
        assertThatThrownBy(() -> new CapacityPlan(0, 1, 100)).hasMessage("users must be >= 1, was 0");
        assertThatThrownBy(() -> new CapacityPlan(10, 11, 100))
                .hasMessage("active users must be in [1, users = 10], was 11");
        assertThatThrownBy(() -> new CapacityPlan(10, 0, 100))
                .hasMessage("active users must be in [1, users = 10], was 0");
        assertThatThrownBy(() -> new CapacityPlan(10, 1, 0)).hasMessage("instances per server must be >= 1, was 0");
        assertThatThrownBy(() -> CapacityPlan.instancesPerServer(100, 128))
                .hasMessage("an instance of 128 does not fit in a server of 100");
        assertThatThrownBy(() -> CapacityPlan.instancesPerServer(0, 128))
                .hasMessage("server memory must be >= 1, was 0");
        assertThatThrownBy(() -> CapacityPlan.instancesPerServer(100, -1))
                .hasMessage("instance memory must be >= 1, was -1");
    }
}
