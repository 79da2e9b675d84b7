package dev.wisp.planner;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.ScaleDecision;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPlanner;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.autoscaler.StandbyTier;
import dev.wisp.autoscaler.Transition;
import dev.wisp.autoscaler.WakePlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays a trace through the real {@code Autoscaler} and {@code StandbyPlanner}, doing for every app
 * what the node's {@code ServiceController} does for a service: a request at zero asks
 * {@code onColdRequests} and wakes by the planner's fastest path; the load is recorded every second;
 * {@code desiredScale} decides when an idle app is down to zero; the planner moves idle instances
 * down the tiers when they are due.
 *
 * <p>A million apps cannot each be ticked every second in a few seconds of CPU, and need not be:
 * an app is looked at only when the answer to a question can change, and only the questions whose
 * answers are used are asked.
 * <ul>
 *   <li>A session starts: the app asks {@code onColdRequests(1)} if its instance is not running
 *       (the router's demand signal), then the planner's {@code wake} for the path.</li>
 *   <li>During a session the app is not looked at: one request in flight asks for
 *       {@code ceil(1 / 70)} = 1 instance, which it has, and the planner never moves an instance
 *       with a request in flight. Rate limits never bind on one instance
 *       ({@code floor(1 / 2)} = 0 down, {@code ceil(1000 × 1)} up), so asking every tick would
 *       only confirm the same answer.</li>
 *   <li>After a session: the planner is asked when the instance reaches each idle threshold of
 *       the policy ({@code pauseAfter}, {@code snapshotAfter}, {@code retireAfter}), and the
 *       autoscaler at the first tick after the load has left its stable window and the
 *       scale-to-zero grace has passed; then every tick until it says zero (or while it panics).
 *       At zero, with nothing in its window, the app drops its autoscaler: the next request makes
 *       a new one, which answers as the old one would (no load remembered, one instance wanted).
 *       Apps with neither an autoscaler nor an instance are forgotten.</li>
 * </ul>
 * Load samples the autoscaler missed while the app was not looked at are replayed, second by
 * second, before it is asked anything (see {@link App#catchUp}), so its windows hold what they
 * would have held. A woken instance counts as running from its request's second: wakes take 24 ms
 * to 1.7 s, about the one-second resolution here.
 */
final class Replay implements TraceSink {
    private final SimulationConfig config;
    /** Look at every app every second and ask every question every tick: for tests of the shortcuts. */
    private final boolean exhaustive;

    private final AutoscalerConfig scaling = AutoscalerConfig.defaults();
    private final int tickSeconds = (int) scaling.tickInterval().toSeconds();
    private final int stableSeconds = (int) scaling.stableWindow().toSeconds();
    /** Idle seconds after which the load has left the stable window and the grace has passed. */
    private final long quietSeconds = Math.max(
            stableSeconds,
            scaling.scaleToZeroGrace().toSeconds() + (scaling.scaleToZeroGrace().toNanosPart() > 0 ? 1 : 0));

    private final SimClock clock;
    private final StandbyPlanner planner;
    private final Map<Integer, App> apps = new HashMap<>();
    /** Apps to look at, by second; an entry is stale unless the app's scheduledAt still says that second. */
    private final List<List<App>> agenda;

    private final Occupancy occupancy;
    private final WakeTally wakes;
    private int awake;
    private int peakAwake;
    private long autoscalersCreated;

    Replay(SimulationConfig config) {
        this(config, false);
    }

    /**
     * @param exhaustive look at every app that has an autoscaler or an instance every second, ask
     *                   the autoscaler every tick and the planner every second, and keep every
     *                   autoscaler: what the node does, at a cost that only fits small traces. The
     *                   shortcuts above must give the same report (tests compare the two)
     */
    Replay(SimulationConfig config, boolean exhaustive) {
        this.config = config;
        this.exhaustive = exhaustive;
        this.clock = new SimClock(config.trace().startHour());
        this.planner = new StandbyPlanner(config.standby(), clock);
        this.occupancy = new Occupancy(config.trace().startHour());
        this.wakes = new WakeTally(config.latencies());
        int seconds = (int) config.trace().seconds();
        this.agenda = new ArrayList<>(seconds);
        for (int i = 0; i < seconds; i++) {
            agenda.add(null);
        }
    }

    SimulationReport run() {
        new TraceGenerator(config.trace()).replay(this);
        TraceConfig trace = config.trace();
        int perServer = config.instancesPerServer();
        Peak serving = occupancy.servingPeak();
        Peak resident = occupancy.residentPeak();
        return new SimulationReport(
                trace.users(),
                trace.hours(),
                perServer,
                trace.hasBursts() ? trace.burstFraction() : 0,
                trace.hasBursts() ? trace.bursts() : 0,
                occupancy.activePeak(),
                serving,
                occupancy.runningPeak(),
                resident,
                CapacityPlan.servers(serving.count(), perServer),
                CapacityPlan.servers(resident.count(), perServer),
                CapacityPlan.servers(trace.users(), perServer),
                wakes.stats(),
                peakAwake,
                autoscalersCreated);
    }

    @Override
    public void sessionStarted(long second, int user, boolean burst) {
        clock.set(second);
        App app = apps.computeIfAbsent(user, App::new);
        if (app.autoscaler == null) {
            app.wake(scaling, clock, second);
            autoscalersCreated++;
            peakAwake = Math.max(peakAwake, ++awake);
        }
        app.catchUp(second - 1, second, clock, stableSeconds);
        setLoad(app, 1, second);
        if (app.tier == StandbyTier.RUNNING) {
            wakes.warm();
            occupancy.move(StandbyTier.RUNNING, false, StandbyTier.RUNNING, true);
        } else {
            // As the node's router: a request found nothing running; the autoscaler answers at
            // once and the planner picks the fastest way back.
            ScaleDecision decision = app.autoscaler.onColdRequests(1);
            app.desired = decision.desiredInstances();
            app.panicking = decision.panicking();
            WakePlan plan =
                    planner.wake(app.tier == null ? List.of() : List.of(app.view(clock)), config.warmTemplates());
            wakes.woke(plan.path());
            occupancy.move(app.tier, false, StandbyTier.RUNNING, true);
            app.tier = StandbyTier.RUNNING;
        }
        app.lastRequestAt = second;
        schedule(app, second);
    }

    @Override
    public void sessionEnded(long second, int user) {
        App app = apps.get(user);
        clock.set(second);
        app.catchUp(second - 1, second, clock, stableSeconds);
        setLoad(app, 0, second);
        occupancy.move(StandbyTier.RUNNING, true, StandbyTier.RUNNING, false);
        app.lastRequestAt = second;
        schedule(app, second);
    }

    @Override
    public void secondEnded(long second, int activeUsers) {
        clock.set(second);
        List<App> due = agenda.set((int) second, null);
        if (due != null) {
            for (App app : due) {
                if (app.scheduledAt == second) {
                    app.scheduledAt = -1;
                    control(app, second);
                }
            }
        }
        occupancy.sample(second, activeUsers);
    }

    /** One look at an app, at {@code now}: what the node's control tick would do that matters. */
    private void control(App app, long now) {
        app.catchUp(now, now, clock, stableSeconds);
        if (exhaustive) {
            controlEveryTick(app, now);
            return;
        }
        boolean idle = app.load == 0;
        long quietAt = idle ? nextTick(app.loadSince + quietSeconds - 1) : Long.MAX_VALUE;
        boolean asked = false;
        if (app.autoscaler != null && now % tickSeconds == 0 && (app.panicking || (idle && now >= quietAt))) {
            ScaleDecision decision = app.autoscaler.desiredScale(app.tier == null ? 0 : 1);
            app.desired = decision.desiredInstances();
            app.panicking = decision.panicking();
            asked = true;
        }
        boolean moved = false;
        if (app.tier != null && idle) {
            for (Transition t : planner.due(List.of(app.view(clock)), app.desired)) {
                occupancy.move(t.from(), false, t.to(), false);
                app.tier = t.to() == StandbyTier.GONE ? null : t.to();
                moved = true;
            }
        }
        if (asked && app.desired == 0 && !app.panicking) {
            app.autoscaler = null;
            awake--;
        }
        if (app.autoscaler == null && app.tier == null) {
            apps.remove(app.user);
            return;
        }
        long next = Long.MAX_VALUE;
        if (app.autoscaler != null && (idle || app.panicking)) {
            next = app.panicking || now >= quietAt ? nextTick(now) : quietAt;
        }
        if (app.tier != null && idle) {
            next = Math.min(next, moved ? now + 1 : nextThreshold(app, now));
        }
        if (next != Long.MAX_VALUE) {
            schedule(app, next);
        }
    }

    private void controlEveryTick(App app, long now) {
        if (now % tickSeconds == 0) {
            ScaleDecision decision = app.autoscaler.desiredScale(app.tier == null ? 0 : 1);
            app.desired = decision.desiredInstances();
            app.panicking = decision.panicking();
        }
        if (app.tier != null) {
            for (Transition t : planner.due(List.of(app.view(clock)), app.desired)) {
                occupancy.move(t.from(), false, t.to(), false);
                app.tier = t.to() == StandbyTier.GONE ? null : t.to();
            }
        }
        schedule(app, now + 1);
    }

    /** The first autoscaler tick after {@code second}. */
    private long nextTick(long second) {
        return (Math.floorDiv(second, tickSeconds) + 1) * tickSeconds;
    }

    /** The first second after {@code now} at which the planner may move the app's idle instance. */
    private long nextThreshold(App app, long now) {
        StandbyPolicy policy = config.standby();
        long next = Long.MAX_VALUE;
        if (app.tier == StandbyTier.RUNNING && policy.mode() != StandbyMode.ALWAYS_ON) {
            next = after(app, policy.pauseAfter(), now, next);
        }
        if (app.tier == StandbyTier.PAUSED && policy.mode() == StandbyMode.SNAPSHOT) {
            next = after(app, policy.snapshotAfter(), now, next);
        }
        return after(app, policy.retireAfter(), now, next);
    }

    private static long after(App app, Duration idle, long now, long soonest) {
        long seconds = idle.toSeconds() + (idle.toNanosPart() > 0 ? 1 : 0);
        long at = app.lastRequestAt + seconds;
        return at > now ? Math.min(soonest, at) : soonest;
    }

    private static void setLoad(App app, int load, long second) {
        app.load = load;
        app.loadSince = second;
    }

    private void schedule(App app, long second) {
        if (second >= agenda.size() || app.scheduledAt == second) {
            return;
        }
        app.scheduledAt = second;
        List<App> list = agenda.get((int) second);
        if (list == null) {
            list = new ArrayList<>();
            agenda.set((int) second, list);
        }
        list.add(app);
    }
}
