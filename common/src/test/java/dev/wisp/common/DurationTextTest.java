package dev.wisp.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void eachUnit_parsesToItsDuration() {
        assertThat(DurationText.parse("250ms")).contains(Duration.ofMillis(250));
        assertThat(DurationText.parse(" 60s ")).contains(Duration.ofSeconds(60));
        assertThat(DurationText.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(DurationText.parse("24h")).contains(Duration.ofHours(24));
    }

    @Test
    void otherText_isEmpty() {
        assertThat(DurationText.parse(null)).isEmpty();
        assertThat(DurationText.parse("")).isEmpty();
        assertThat(DurationText.parse("1.5s")).isEmpty();
        assertThat(DurationText.parse("-1s")).isEmpty();
        assertThat(DurationText.parse("10d")).isEmpty();
        assertThat(DurationText.parse("1234567890s")).isEmpty(); // more than 9 digits
    }

    @Test
    void format_usesTheLargestUnitThatDividesIt() {
        assertThat(DurationText.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(DurationText.format(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void formatThenParse_isTheSameDuration() {
        for (Duration d : new Duration[] {Duration.ofMillis(7), Duration.ofSeconds(61), Duration.ofMinutes(90)}) {
            assertThat(DurationText.parse(DurationText.format(d))).contains(d);
        }
    }
}
