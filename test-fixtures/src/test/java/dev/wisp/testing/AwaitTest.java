package dev.wisp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void until_returnsOnceTheConditionHolds() throws InterruptedException {
        AtomicInteger polls = new AtomicInteger();
        Await.until(Duration.ofSeconds(30), "the third poll", () -> polls.incrementAndGet() >= 3);
        assertThat(polls).hasValue(3);
    }

    @Test
    void until_neverTrue_failsNamingWhatItWaitedFor() {
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(200), "pigs to fly", () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("timed out after 0 s waiting for pigs to fly");
    }
}
