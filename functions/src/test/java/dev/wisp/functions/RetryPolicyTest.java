package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void backoff_doublesFromInitialAndStopsAtTheCap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoffAfter(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(p.backoffAfter(5)).isEqualTo(Duration.ofMillis(1000));
        assertThat(p.backoffAfter(9)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void retries_stopAtMaxAttempts() {
        RetryPolicy p = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1));
        assertThat(p.retriesAfter(1)).isTrue();
        assertThat(p.retriesAfter(2)).isTrue();
        assertThat(p.retriesAfter(3)).isFalse();
    }

    @Test
    void badPolicies_areRefusedWithTheLimitNamed() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)))
                .hasMessageContaining("max attempts must be 1..10");
        assertThatThrownBy(() -> new RetryPolicy(11, Duration.ofMillis(1), Duration.ofMillis(1)))
                .hasMessageContaining("max attempts must be 1..10");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("max back-off");
    }
}
