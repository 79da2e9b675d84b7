package dev.wisp.bench;

import dev.wisp.node.WakeTrace;
import dev.wisp.router.WaitedRequest;
import dev.wisp.runtime.WakeTimings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a client's wait for a sleeping service goes: the node's {@link WakeTrace} of the wake
 * lined up with the client's own start and end (one clock: the bench runs the node in its JVM)
 * and cut into steps, each the time between two marks, with its median over the rounds. The
 * steps on the request's way follow each other; steps marked "beside" ran at the same time as
 * others (a paused instance's `cont` is sent
 * from the demanding thread and answered on the wake's), so medians need not add up.
 */
final class WakeBreakdown {
    /** One step of the wake and its median in milliseconds. */
    public record Part(String step, double medianMs) {}

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    /** Adds one round; false (and nothing added) if the trace is not of this request's wake. */
    boolean add(HttpProbe.Timed client, WakeTrace t) {
        WaitedRequest q = t.request();
        if (q == null || q.arrivedNanos() < client.startNanos() || t.submittedNanos() < client.startNanos()) {
            return false;
        }
        WakeTimings vm = t.vm();
        part("client: connect, request to the router", client.startNanos(), q.arrivedNanos());
        part("router: queued, demand to the node", q.arrivedNanos(), t.demandNanos());
        if ("resume_paused".equals(t.path())) {
            if (vm != null) {
                part("node: path chosen, QMP cont sent", t.demandNanos(), vm.startedNanos());
            }
            part("node: path chosen, endpoint routed", t.demandNanos(), t.routedNanos());
            routedToAnswer(t, "guest: vCPUs run, app answers");
            part("  beside: hand-off to the wake's thread", t.submittedNanos(), t.threadNanos());
            if (vm != null) {
                part("  beside: QMP cont", vm.startedNanos(), vm.contNanos());
                part("  beside: cont answered, from the client's start", client.startNanos(), vm.contNanos());
            }
        } else {
            part("node: path chosen", t.demandNanos(), t.submittedNanos());
            part("node: hand-off to the wake's thread", t.submittedNanos(), t.threadNanos());
            if (vm != null && vm.vmmNanos() != 0) {
                part("runtime: checks, VMM from the pool", t.threadNanos(), vm.vmmNanos());
                part("runtime: migration stream sent", vm.vmmNanos(), vm.streamNanos());
                part("runtime: load completes (device state)", vm.streamNanos(), vm.loadedNanos());
                part("runtime: new identity typed", vm.loadedNanos(), vm.identityNanos());
                part("runtime: QMP cont", vm.identityNanos(), vm.contNanos());
                part("guest: agent reseeds, re-identifies", vm.contNanos(), vm.guestNanos());
                part("node: instance ready, routed", vm.guestNanos(), t.routedNanos());
            } else {
                part("runtime: the VM operation", t.threadNanos(), t.doneNanos());
                part("node: instance ready, routed", t.doneNanos(), t.routedNanos());
            }
            routedToAnswer(t, "guest: first request answered");
        }
        part("router: the answer's head to the client", q.firstByteNanos(), client.answeredNanos());
        part("(after the first answer: the rest of the response)", client.answeredNanos(), client.endNanos());
        return true;
    }

    /** The steps every path shares once the instance is routed: the router's grant, to the guest's first byte. */
    private void routedToAnswer(WakeTrace t, String guestStep) {
        WaitedRequest q = t.request();
        part("router: grant reaches the event loop", t.routedNanos(), q.grantedNanos());
        part("router: upstream connect, request written", q.grantedNanos(), q.sentNanos());
        part(guestStep, q.sentNanos(), q.firstByteNanos());
    }

    /**
     * Plain requests right after the wake, as the client sees them: through the router and
     * straight to the VM's forwarded port, the warm cost of the same path with and without the
     * router. Called twice a round (router, VM, VM, router), so each median is over both.
     */
    void warm(HttpProbe.Timed throughRouter, HttpProbe.Timed direct) {
        samples.computeIfAbsent("(then a request through the router, to its answer)", k -> new ArrayList<>())
                .add(throughRouter.millis());
        samples.computeIfAbsent("(then a request straight to the VM, to its answer)", k -> new ArrayList<>())
                .add(direct.millis());
    }

    private void part(String step, long fromNanos, long toNanos) {
        if (fromNanos != 0 && toNanos != 0) {
            samples.computeIfAbsent(step, k -> new ArrayList<>()).add((toNanos - fromNanos) / 1e6);
        }
    }

    /** Each step's median over the rounds added, in the order the steps happen. */
    List<Part> medians() {
        List<Part> parts = new ArrayList<>();
        samples.forEach((step, ms) -> parts.add(new Part(step, Stats.round2(Stats.median(ms)))));
        return parts;
    }
}
