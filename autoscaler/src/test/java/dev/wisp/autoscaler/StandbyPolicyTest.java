package dev.wisp.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StandbyPolicyTest {

    @Test
    void defaults_snapshotAfterOneSecondPauseOneMinuteSnapshotOneDayRetire() {
        StandbyPolicy p = StandbyPolicy.defaults();

        assertThat(p.mode()).isEqualTo(StandbyMode.SNAPSHOT);
        assertThat(p.pauseAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.snapshotAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.retireAfter()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void equalDurations_areAllowed() {
        Duration d = Duration.ofSeconds(5);

        assertThat(new StandbyPolicy(StandbyMode.PAUSE, d, d, d).retireAfter()).isEqualTo(d);
    }

    @Test
    void outOfOrderOrNegativeDurations_areRejectedNamingBoth() {
        Duration s1 = Duration.ofSeconds(1);
        Duration s2 = Duration.ofSeconds(2);

        assertThatThrownBy(() -> new StandbyPolicy(StandbyMode.PAUSE, s2, s1, s2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshotAfter (PT1S) must be >= pauseAfter (PT2S)");
        assertThatThrownBy(() -> new StandbyPolicy(StandbyMode.PAUSE, s1, s2, s1))
                .hasMessage("retireAfter (PT1S) must be >= snapshotAfter (PT2S)");
        assertThatThrownBy(() -> new StandbyPolicy(StandbyMode.PAUSE, s1.negated(), s1, s2))
                .hasMessage("pauseAfter must be >= 0, was PT-1S");
        assertThatThrownBy(() -> new StandbyPolicy(null, s1, s1, s1)).isInstanceOf(NullPointerException.class);
    }
}
