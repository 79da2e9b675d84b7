package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {
    @Test
    void limitOfTwo_refusesTheThirdUntilOneIsReleased() {
        ConcurrencyLimit limit = new ConcurrencyLimit(2);
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isFalse();
        assertThat(limit.inFlight()).isEqualTo(2);
        limit.release();
        assertThat(limit.tryAcquire()).isTrue();
    }

    @Test
    void zeroConcurrency_isRefused() {
        assertThatThrownBy(() -> new ConcurrencyLimit(0)).hasMessageContaining("at least 1");
    }
}
