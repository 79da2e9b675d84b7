package dev.wisp.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowedAverageTest {

    @Test
    void youngWindow_isAveragedOverItsOwnLength() {
        WindowedAverage w = new WindowedAverage(60);
        w.add(100, 10);
        w.add(101, 20);

        assertThat(w.average(101, 60)).isEqualTo(15);
    }

    @Test
    void currentSecondNotYetReported_isLeftOut() {
        WindowedAverage w = new WindowedAverage(60);
        w.add(100, 10);
        w.add(101, 20);

        assertThat(w.average(102, 60)).isEqualTo(15);
    }

    @Test
    void silentSeconds_countAsZero() {
        WindowedAverage w = new WindowedAverage(60);
        w.add(100, 40);

        assertThat(w.average(103, 60)).isEqualTo(10);
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
    void newRunAfterLongSilence_isNotDilutedByTheSilence() {
        WindowedAverage w = new WindowedAverage(10);
        w.add(0, 100);
        w.add(50, 30);

        assertThat(w.average(50, 10)).isEqualTo(30);
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
