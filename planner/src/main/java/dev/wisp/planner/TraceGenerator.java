package dev.wisp.planner;

import java.util.Arrays;
import java.util.BitSet;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Produces the {@link TraceConfig synthetic trace} second by second and streams it to a
 * {@link TraceSink}, so a million users over a day never exist as a million objects: the state is
 * one bit per user (active or not) and one heap entry per session in progress.
 *
 * <p>Deterministic: the same config (seed included) gives the same events. Bursts draw from their
 * own random stream, so a trace with bursts has the same diurnal shape and burst-free randomness as
 * the same trace without; only the identity of users picked after a burst can differ (a user in a
 * burst is not free to start a diurnal session).
 */
final class TraceGenerator {
    private static final long DAY = 86_400;
    /** Marks a burst session in a heap entry: bit 31, above every user id (user ids are &lt; 2^31 - 1). */
    private static final long BURST_BIT = 1L << 31;

    private static final long USER_MASK = BURST_BIT - 1;
    /** Random tries to find an inactive user before scanning for one: the population is mostly idle. */
    private static final int PICK_TRIES = 8;

    private final TraceConfig config;

    TraceGenerator(TraceConfig config) {
        this.config = config;
    }

    /** Active users the diurnal curve allows at {@code second} of the trace. */
    long diurnalCeiling(long second) {
        long startSecond = Math.round(config.startHour() * 3600);
        long peakSecond = Math.round(config.peakHour() * 3600);
        long sinceTimeOfPeak = Math.floorMod(startSecond + second - peakSecond, DAY);
        double wave = (1 + Math.cos(2 * Math.PI * sinceTimeOfPeak / DAY)) / 2;
        double trough = config.troughFraction();
        return Math.round(config.peakActive() * (trough + (1 - trough) * wave));
    }

    /** Streams the whole trace to {@code sink}. */
    void replay(TraceSink sink) {
        new Run(sink).play();
    }

    /** The state of one replay. */
    private final class Run {
        private final TraceSink sink;
        private final SplittableRandom sessions = new SplittableRandom(config.seed());
        private final SplittableRandom bursts = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        private final long[] burstStarts;
        private final BitSet active = new BitSet(config.users());
        /** In-progress sessions as (end second << 32 | burst bit | user), soonest end first. */
        private final PriorityQueue<Long> ends = new PriorityQueue<>();

        private final double meanSessionSeconds = config.meanSession().toMillis() / 1000.0;
        private int diurnalActive;
        private int burstActive;

        Run(TraceSink sink) {
            this.sink = sink;
            long lastStart = Math.max(1, config.seconds() - config.burstLength().toSeconds() + 1);
            burstStarts = new long[config.hasBursts() ? config.bursts() : 0];
            for (int i = 0; i < burstStarts.length; i++) {
                burstStarts[i] = bursts.nextLong(lastStart);
            }
            Arrays.sort(burstStarts);
        }

        void play() {
            int nextBurst = 0;
            for (long t = 0; t < config.seconds(); t++) {
                endSessions(t);
                for (; nextBurst < burstStarts.length && burstStarts[nextBurst] == t; nextBurst++) {
                    burst(t);
                }
                long ceiling = diurnalCeiling(t);
                while (diurnalActive < ceiling && anyoneIdle()) {
                    int user = pick(
                            Math.min(config.users() - 1, (int)
                                    (config.users() * Math.pow(sessions.nextDouble(), config.popularitySkew()))),
                            sessions);
                    start(t, user, false, sessionLength());
                }
                sink.secondEnded(t, diurnalActive + burstActive);
            }
        }

        private void endSessions(long t) {
            while (!ends.isEmpty() && (ends.peek() >>> 32) <= t) {
                long entry = ends.poll();
                int user = (int) (entry & USER_MASK);
                active.clear(user);
                if ((entry & BURST_BIT) != 0) {
                    burstActive--;
                } else {
                    diurnalActive--;
                }
                sink.sessionEnded(t, user);
            }
        }

        private void burst(long t) {
            long length = config.burstLength().toSeconds();
            for (int n = 0; n < config.burstUsers() && anyoneIdle(); n++) {
                start(t, pick(bursts.nextInt(config.users()), bursts), true, length);
            }
        }

        private void start(long t, int user, boolean burst, long length) {
            active.set(user);
            if (burst) {
                burstActive++;
            } else {
                diurnalActive++;
            }
            ends.add((t + length) << 32 | (burst ? BURST_BIT : 0) | user);
            sink.sessionStarted(t, user, burst);
        }

        /** {@code preferred} if idle, else another random idle user, else the next idle one after it. */
        private int pick(int preferred, SplittableRandom random) {
            int user = preferred;
            for (int i = 0; i < PICK_TRIES && active.get(user); i++) {
                user = random.nextInt(config.users());
            }
            if (active.get(user)) {
                user = active.nextClearBit(user);
                if (user >= config.users()) {
                    user = active.nextClearBit(0);
                }
            }
            return user;
        }

        private boolean anyoneIdle() {
            return diurnalActive + burstActive < config.users();
        }

        /** Exponential with the configured mean, whole seconds, at least one. */
        private long sessionLength() {
            return Math.max(1, Math.round(-meanSessionSeconds * Math.log(1 - sessions.nextDouble())));
        }
    }
}
