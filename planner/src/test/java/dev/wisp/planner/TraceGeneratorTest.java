package dev.wisp.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TraceGeneratorTest {

    /** Sums up a trace: counts, the peak, and a hash of every event in order. */
    static final class Summary implements TraceSink {
        long starts;
        long burstStarts;
        long ends;
        int peakActive;
        long peakSecond;
        long hash = 17;

        @Override
        public void sessionStarted(long second, int user, boolean burst) {
            starts++;
            burstStarts += burst ? 1 : 0;
            hash = hash * 31 + second * 1_000_003 + user;
        }

        @Override
        public void sessionEnded(long second, int user) {
            ends++;
            hash = hash * 31 - second * 1_000_003 - user;
        }

        @Override
        public void secondEnded(long second, int activeUsers) {
            if (activeUsers > peakActive) {
                peakActive = activeUsers;
                peakSecond = second;
            }
        }
    }

    static Summary replay(TraceConfig config) {
        Summary summary = new Summary();
        new TraceGenerator(config).replay(summary);
        return summary;
    }

    @Test
    void sameSeed_givesTheSameTrace() {
        TraceConfig config = TraceConfig.of(100_000, 200).withBursts(0.001, 2, Duration.ofSeconds(30));

        Summary first = replay(config);
        Summary second = replay(config);

        assertThat(second.hash).isEqualTo(first.hash);
        assertThat(second.starts).isEqualTo(first.starts);
        assertThat(replay(config.withSeed(2)).hash).isNotEqualTo(first.hash);
    }

    @Test
    void seedDay_reachesExactlyTheConfiguredActiveUsersNearThePeakHour() {
        Summary day = replay(TraceConfig.of(1_000_000, 1_000));

        assertThat(day.peakActive).isEqualTo(1_000);
        // The curve is at 1,000 within some minutes of 14:00.
        assertThat(day.peakSecond).isBetween(13 * 3600L, 15 * 3600L);
        // Ten-minute sessions and a mean of about 55 % of the peak: some 80,000 sessions a day.
        assertThat(day.starts).isBetween(60_000L, 100_000L);
    }

    @Test
    void diurnalCeiling_isThePeakAtThePeakHourAndTheTroughTwelveHoursAway() {
        TraceGenerator generator = new TraceGenerator(TraceConfig.of(1_000_000, 1_000));

        assertThat(generator.diurnalCeiling(14 * 3600)).isEqualTo(1_000);
        assertThat(generator.diurnalCeiling(2 * 3600)).isEqualTo(100);
        assertThat(generator.diurnalCeiling(8 * 3600)).isEqualTo(550);
    }

    @Test
    void burst_makesTheFractionOfUsersActiveAtOnceOnTopOfTheCurve() {
        TraceConfig config =
                TraceConfig.of(1_000_000, 1_000).withWindow(1, 3).withBursts(0.005, 1, Duration.ofSeconds(60));

        Summary summary = replay(config);

        assertThat(summary.burstStarts).isEqualTo(5_000);
        // 03:00-04:00 is near the trough (100-200 active), so the burst sets the peak.
        assertThat(summary.peakActive).isBetween(5_100, 5_300);
    }

    @Test
    void millionUsersOverADay_streamInAFewSeconds() {
        long t0 = System.nanoTime();

        Summary day = replay(TraceConfig.of(1_000_000, 1_000).withMeanSession(Duration.ofMinutes(1)));

        assertThat(day.starts).isGreaterThan(400_000);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void badInputs_areRejectedNamingTheInput() {
        TraceConfig ok = TraceConfig.of(1_000, 10);
        assertThatThrownBy(() -> TraceConfig.of(0, 1)).hasMessage("users must be in [1, 100000000], was 0");
        assertThatThrownBy(() -> TraceConfig.of(10, 11)).hasMessage("active users must be in [1, users = 10], was 11");
        assertThatThrownBy(() -> ok.withWindow(0, 0)).hasMessage("hours must be in (0, 168], was 0.0");
        assertThatThrownBy(() -> ok.withWindow(1, 24)).hasMessage("start hour must be in [0, 24), was 24.0");
        assertThatThrownBy(() -> ok.withBursts(1.5, 1, Duration.ofSeconds(60)))
                .hasMessage("burst fraction must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> ok.withBursts(0.1, -1, Duration.ofSeconds(60)))
                .hasMessage("bursts must be >= 0, was -1");
        assertThatThrownBy(() -> ok.withBursts(0.1, 1, Duration.ZERO))
                .hasMessage("burst length must be in [1s, 24h], was PT0S");
        assertThatThrownBy(() -> ok.withMeanSession(Duration.ofDays(2)))
                .hasMessage("mean session must be in [1s, 24h], was PT48H");
    }
}
