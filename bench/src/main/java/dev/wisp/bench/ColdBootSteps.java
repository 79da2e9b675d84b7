package dev.wisp.bench;

import dev.wisp.runtime.BootTimings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a cold boot's time goes, on both sides, from the call to the first HTTP 200: the host's
 * part before the guest kernel's clock starts (Wisp: its network, jail and VMM start; both: QEMU's
 * own start), the guest kernel's boot by its own clock (until the init's first marker), and from
 * the init to the answer (app start, readiness, the probe). Wisp's side also splits its host part.
 */
final class ColdBootSteps {
    /** The steps both sides have, in order. */
    static final List<String> SHARED = List.of("host before guest kernel", "guest kernel", "init to answer");

    /** Wisp's own steps, in order: parts of its host step and of its init to answer. */
    static final List<String> WISP_ONLY = List.of("network", "jail + VMM start", "ready to answer");

    private final Map<String, List<Double>> wisp = new LinkedHashMap<>();
    private final Map<String, List<Double>> raw = new LinkedHashMap<>();

    /** One Wisp boot begun at {@code t0} and answered at {@code answeredNanos}. */
    void wisp(BootTimings b, long t0, long answeredNanos) {
        if (b.initUptimeMillis() < 0) {
            return; // a guest init that says no uptime: no split
        }
        shared(wisp, t0, b.initNanos(), b.initUptimeMillis(), answeredNanos);
        add(wisp, "network", ms(b.networkNanos() - t0));
        add(wisp, "jail + VMM start", ms(b.vmmNanos() - b.networkNanos()));
        add(wisp, "ready to answer", ms(answeredNanos - b.readyNanos()));
    }

    /** One raw boot begun at {@code t0}: its init marker came at {@code initNanos}, {@code uptimeMillis} in. */
    void raw(long t0, long initNanos, long uptimeMillis, long answeredNanos) {
        if (initNanos > 0 && uptimeMillis >= 0) {
            shared(raw, t0, initNanos, uptimeMillis, answeredNanos);
        }
    }

    private static void shared(Map<String, List<Double>> side, long t0, long init, long uptime, long answered) {
        add(side, SHARED.get(0), ms(init - t0) - uptime);
        add(side, SHARED.get(1), uptime);
        add(side, SHARED.get(2), ms(answered - init));
    }

    private static void add(Map<String, List<Double>> side, String step, double ms) {
        side.computeIfAbsent(step, s -> new ArrayList<>()).add(ms);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Medians per step of each side (empty when a side has none). */
    StartupBenchmark.ColdBoot medians() {
        return new StartupBenchmark.ColdBoot(medians(wisp), medians(raw));
    }

    private static Map<String, Double> medians(Map<String, List<Double>> side) {
        Map<String, Double> out = new LinkedHashMap<>();
        side.forEach((step, samples) -> out.put(step, Stats.round2(Stats.median(samples))));
        return out;
    }
}
