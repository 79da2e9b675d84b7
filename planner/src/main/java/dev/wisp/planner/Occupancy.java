package dev.wisp.planner;

import dev.wisp.autoscaler.StandbyTier;

/**
 * Instances per tier right now, and the peaks of what occupies servers, sampled once a simulated
 * second. Running and paused instances hold memory (resident); snapshotted ones hold only disk.
 */
final class Occupancy {
    private final double startHour;
    private int busy;
    private int idleRunning;
    private int paused;
    private final Tracker active = new Tracker();
    private final Tracker serving = new Tracker();
    private final Tracker running = new Tracker();
    private final Tracker resident = new Tracker();

    Occupancy(double startHour) {
        this.startHour = startHour;
    }

    /** An instance moved; {@code null} stands for "no instance" on either side. */
    void move(StandbyTier from, boolean fromBusy, StandbyTier to, boolean toBusy) {
        add(from, fromBusy, -1);
        add(to, toBusy, +1);
    }

    private void add(StandbyTier tier, boolean inFlight, int delta) {
        if (tier == null || tier == StandbyTier.GONE) {
            return;
        }
        switch (tier) {
            case RUNNING -> {
                if (inFlight) {
                    busy += delta;
                } else {
                    idleRunning += delta;
                }
            }
            case PAUSED -> paused += delta;
            case SNAPSHOTTED -> {
                // On disk only: occupies no server memory, so not counted.
            }
            default -> throw new IllegalStateException("unexpected tier " + tier);
        }
    }

    void sample(long second, int activeUsers) {
        active.see(activeUsers, second);
        serving.see(busy, second);
        running.see(busy + idleRunning, second);
        resident.see(busy + idleRunning + paused, second);
    }

    Peak activePeak() {
        return active.peak();
    }

    Peak servingPeak() {
        return serving.peak();
    }

    Peak runningPeak() {
        return running.peak();
    }

    Peak residentPeak() {
        return resident.peak();
    }

    /** The highest value of one count and when it was first reached. */
    private final class Tracker {
        private int max;
        private long at;

        void see(int value, long second) {
            if (value > max) {
                max = value;
                at = second;
            }
        }

        Peak peak() {
            return new Peak(max, at, timeOfDay(at));
        }
    }

    private String timeOfDay(long second) {
        long since = Math.round(startHour * 3600) + second;
        long day = since / 86_400;
        long s = since % 86_400;
        String clock = String.format(java.util.Locale.ROOT, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return day == 0 ? clock : "day " + (day + 1) + " " + clock;
    }
}
