package dev.wisp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JailCostTest {
    @Test
    void progressLine_showsEachPairJailedThenOpen() {
        String line = JailCost.progressLine(
                2, 3, 5, new double[] {12.34, 10.0}, new double[] {1.25, 0.5}, new double[] {200.0, 180.06});

        assertThat(line)
                .isEqualTo(
                        "jail-cost pool 2 round 3/5  clone     12.3 ms jailed vs     10.0 open (vmm ready 1.3 vs 0.5)"
                                + "  restore    200.0 vs    180.1");
    }
}
