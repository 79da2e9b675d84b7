package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlacementSimulationTest {
    @Test
    void roomForAll_placesEveryInstanceAndRefusesNone() {
        PlacementSimulation.Result r = PlacementSimulation.run(10, 200, 1);
        assertThat(r.placedInstances()).isEqualTo(r.instances());
        assertThat(r.refusedServices()).isZero();
        assertThat(r.instances()).isBetween(200, 600);
    }

    @Test
    void noNodes_isRefusedWithAClearError() {
        assertThatThrownBy(() -> PlacementSimulation.run(0, 10, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodes and services must be at least 1");
    }
}
