package dev.wisp.planner;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The synthetic workload {@link TraceGenerator} produces: a population of users (one app, one
 * microVM each) who are active in sessions, as many at once as a daily curve allows, plus bursts.
 *
 * <p>Diurnal curve: the number of users active at a time of day is
 * {@code round(peakActive × (trough + (1 − trough) × (1 + cos(2π (t − peakHour) / 24 h)) / 2))},
 * so it is exactly {@code peakActive} at the peak hour and {@code trough × peakActive} twelve hours
 * away. Whenever fewer users are active than the curve says, new sessions start at once; sessions
 * end on their own (exponential length). So diurnal traffic reaches exactly {@code peakActive} at
 * the peak and never more: the seed's "1,000 active at most". (On the way down it can sit a little
 * above the falling curve until enough sessions end.)
 *
 * <p>Bursts come on top of the curve: at {@code bursts} seeded random moments, {@code burstFraction}
 * of all users who are not active become active at once, for {@code burstLength} (a flash crowd, a
 * cron job fanning out to every tenant, a push notification).
 *
 * @param users          users (apps, tenants) in the population; in [1, 100,000,000]
 * @param peakActive     users active at the peak of the day; in [1, users]
 * @param hours          simulated time; in (0, 168]
 * @param startHour      time of day the trace starts at; in [0, 24)
 * @param peakHour       time of day of the peak; in [0, 24)
 * @param troughFraction active users at the quietest hour, as a share of the peak; in [0, 1]
 * @param meanSession    mean session length (exponential, at least 1 s); in [1 s, 24 h]
 * @param burstFraction  share of all users one burst makes active; in [0, 1]; 0 for none
 * @param bursts         how many bursts in the trace; &gt;= 0
 * @param burstLength    how long a burst's users stay active; in [1 s, 24 h]
 * @param popularitySkew how unevenly users come back: a new session goes to user
 *                       {@code floor(users × u^skew)} for uniform u, so 1 is uniform and larger
 *                       values bring the low-numbered users back more often (which is what makes
 *                       paused and snapshotted instances useful); in [1, 10]
 * @param seed           the random seed: the same config gives the same trace
 */
public record TraceConfig(
        int users,
        int peakActive,
        double hours,
        double startHour,
        double peakHour,
        double troughFraction,
        Duration meanSession,
        double burstFraction,
        int bursts,
        Duration burstLength,
        double popularitySkew,
        long seed) {

    /** Largest population: user ids are ints and the generator keeps one bit per user. */
    public static final int MAX_USERS = 100_000_000;

    /** @throws IllegalArgumentException naming the input, the rule and the value given */
    public TraceConfig {
        check(users >= 1 && users <= MAX_USERS, "users must be in [1, " + MAX_USERS + "], was " + users);
        check(
                peakActive >= 1 && peakActive <= users,
                "active users must be in [1, users = " + users + "], was " + peakActive);
        check(hours > 0 && hours <= 168, "hours must be in (0, 168], was " + hours);
        check(startHour >= 0 && startHour < 24, "start hour must be in [0, 24), was " + startHour);
        check(peakHour >= 0 && peakHour < 24, "peak hour must be in [0, 24), was " + peakHour);
        check(troughFraction >= 0 && troughFraction <= 1, "trough fraction must be in [0, 1], was " + troughFraction);
        checkLength("mean session", meanSession);
        check(burstFraction >= 0 && burstFraction <= 1, "burst fraction must be in [0, 1], was " + burstFraction);
        check(bursts >= 0, "bursts must be >= 0, was " + bursts);
        checkLength("burst length", burstLength);
        check(popularitySkew >= 1 && popularitySkew <= 10, "popularity skew must be in [1, 10], was " + popularitySkew);
    }

    /**
     * {@code users} and {@code peakActive} with the defaults: one day from midnight, peak at
     * 14:00, trough 10 % of the peak, 10-minute sessions, no bursts (one 60 s burst once a
     * fraction is set), popularity skew 2, seed 1.
     */
    public static TraceConfig of(int users, int peakActive) {
        return new TraceConfig(
                users, peakActive, 24, 0, 14, 0.1, Duration.ofMinutes(10), 0, 1, Duration.ofSeconds(60), 2, 1);
    }

    /** This config over {@code hours} from {@code startHour}. */
    public TraceConfig withWindow(double hours, double startHour) {
        return edit(e -> {
            e.hours = hours;
            e.startHour = startHour;
        });
    }

    /** This config with {@code count} bursts of {@code fraction} of all users for {@code length}. */
    public TraceConfig withBursts(double fraction, int count, Duration length) {
        return edit(e -> {
            e.burstFraction = fraction;
            e.bursts = count;
            e.burstLength = length;
        });
    }

    /** This config without bursts. */
    public TraceConfig withoutBursts() {
        return withBursts(0, bursts, burstLength);
    }

    /** This config with the peak at {@code peakHour} and the quietest hour at {@code troughFraction} of it. */
    public TraceConfig withCurve(double peakHour, double troughFraction) {
        return edit(e -> {
            e.peakHour = peakHour;
            e.troughFraction = troughFraction;
        });
    }

    /** This config with another mean session length. */
    public TraceConfig withMeanSession(Duration mean) {
        return edit(e -> e.meanSession = mean);
    }

    /** This config with another seed. */
    public TraceConfig withSeed(long seed) {
        return edit(e -> e.seed = seed);
    }

    /** Whether the trace has any burst. */
    public boolean hasBursts() {
        return bursts > 0 && burstUsers() > 0;
    }

    /** Users one burst makes active: {@code round(burstFraction × users)}. */
    public int burstUsers() {
        return (int) Math.round(burstFraction * users);
    }

    /** Simulated seconds: {@code hours} in whole seconds, at least one. */
    public long seconds() {
        return Math.max(1, Math.round(hours * 3600));
    }

    /** A copy of this config with {@code change} applied; the copy is validated like any other. */
    private TraceConfig edit(Consumer<Edit> change) {
        Edit e = new Edit(this);
        change.accept(e);
        return new TraceConfig(
                users,
                peakActive,
                e.hours,
                e.startHour,
                e.peakHour,
                e.troughFraction,
                e.meanSession,
                e.burstFraction,
                e.bursts,
                e.burstLength,
                popularitySkew,
                e.seed);
    }

    /** The fields the {@code with} methods change, starting from a config's values. */
    private static final class Edit {
        double hours;
        double startHour;
        double peakHour;
        double troughFraction;
        Duration meanSession;
        double burstFraction;
        int bursts;
        Duration burstLength;
        long seed;

        Edit(TraceConfig c) {
            hours = c.hours;
            startHour = c.startHour;
            peakHour = c.peakHour;
            troughFraction = c.troughFraction;
            meanSession = c.meanSession;
            burstFraction = c.burstFraction;
            bursts = c.bursts;
            burstLength = c.burstLength;
            seed = c.seed;
        }
    }

    private static void checkLength(String what, Duration length) {
        if (length == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        check(
                length.compareTo(Duration.ofSeconds(1)) >= 0 && length.compareTo(Duration.ofHours(24)) <= 0,
                what + " must be in [1s, 24h], was " + length);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
