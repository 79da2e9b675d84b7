package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouterConfigTest {
    @Test
    void limitBelowItsMinimum_isRejectedNamingTheLimit() {
        assertThatThrownBy(() -> RouterConfig.builder().maxHeaderSize(100).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("router config: maxHeaderSize must be >= 256, was 100");
        assertThatThrownBy(() -> RouterConfig.builder().port(70000).build())
                .hasMessage("router config: port must be <= 65535, was 70000");
    }

    @Test
    void negativeOrMissingTimeout_isRejectedNamingIt() {
        assertThatThrownBy(() -> RouterConfig.builder()
                        .connectTimeout(Duration.ofSeconds(-1))
                        .build())
                .hasMessage("router config: connectTimeout must not be negative, was PT-1S");
        assertThatThrownBy(() -> RouterConfig.builder().drainTimeout(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("drainTimeout");
    }
}
