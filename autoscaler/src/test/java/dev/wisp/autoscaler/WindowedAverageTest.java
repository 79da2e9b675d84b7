package dev.wisp.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WindowedAverageTest {

    /**
     * A window of {@code size} seconds given {@code samples} (second, value, second, value, ...),
     * averaged at {@code now} over the last {@code seconds}.
     */
    record Case(String name, int size, long[] samples, long now, int seconds, double average) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("youngWindow_isAveragedOverItsOwnLength", 60, new long[] {100, 10, 101, 20}, 101, 60, 15),
                new Case("currentSecondNotYetReported_isLeftOut", 60, new long[] {100, 10, 101, 20}, 102, 60, 15),
                new Case("silentSeconds_countAsZero", 60, new long[] {100, 40}, 103, 60, 10),
                new Case(
                        "newRunAfterLongSilence_isNotDilutedByTheSilence",
                        10,
                        new long[] {0, 100, 50, 30},
                        50,
                        10,
                        30));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void samples_averageAsTheCaseSays(Case c) {
        WindowedAverage w = new WindowedAverage(c.size());
        for (int i = 0; i < c.samples().length; i += 2) {
            w.add(c.samples()[i], c.samples()[i + 1]);
        }

        assertThat(w.average(c.now(), c.seconds())).isEqualTo(c.average());
    }

    @Test
    void samplesOlderThanTheWindow_areForgotten() {
        WindowedAverage w = new WindowedAverage(10);
        for (long s = 0; s < 10; s++) {
            w.add(s, 100);
        }
        for (long s = 10; s < 20; s++) {
            w.add(s, 0);
        }

        assertThat(w.average(19, 10)).isZero();
        assertThat(w.average(14, 5)).isZero();
        assertThat(w.average(29, 10)).isZero();
    }

    @Test
    void shorterWindow_seesOnlyRecentSeconds() {
        WindowedAverage w = new WindowedAverage(60);
        for (long s = 0; s < 60; s++) {
            w.add(s, s < 54 ? 0 : 60);
        }

        assertThat(w.average(59, 6)).isEqualTo(60);
        assertThat(w.average(59, 60)).isEqualTo(6);
    }
}
