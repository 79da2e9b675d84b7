/**
 * Scaling policy for Wisp services: how many instances to have, and how cold to let the idle ones
 * get. Pure logic: no I/O, no threads, time only from an injected {@link java.time.InstantSource}.
 *
 * <h2>Two parts</h2>
 * <pre>
 *   router ── record(load) ──▶ Autoscaler ── desiredScale(ready) every 2 s ──▶ ScaleDecision (N)
 *          └─ onColdRequest(s) at zero ──▶ Autoscaler ──▶ ScaleDecision (wake now)
 *
 *   platform ── instances + N ──▶ StandbyPlanner ── due(...) ──▶ Transitions (pause, snapshot, retire)
 *                              └─ wake(...) ──▶ WakePlan (resume > restore > clone > cold boot)
 * </pre>
 *
 * <p>{@link dev.wisp.autoscaler.Autoscaler} is Knative's KPA: concurrency (or rps) averaged over
 * a 60 s stable and a 6 s panic window, target 100 × 70 % per instance, panic at 200 %, rate
 * limits, min/max, initial scale and a scale-to-zero grace, with Knative's defaults (see
 * {@link dev.wisp.autoscaler.AutoscalerConfig}). Like Knative's activator, a request at zero gets
 * an answer at once instead of waiting for the next tick.
 *
 * <p>{@link dev.wisp.autoscaler.StandbyPlanner} is what Knative lacks and Unikraft Cloud and
 * Fly.io have: idle instances are paused, then snapshotted, then retired
 * ({@link dev.wisp.autoscaler.StandbyPolicy}), and woken by the fastest path that exists.
 *
 * <h2>How they fit</h2>
 * <p>The autoscaler's count N is how many instances the service should have <em>serving</em>: the
 * ones the router sends requests to. Scaling in does not destroy anything. When N drops, the
 * platform stops routing to the excess instances (the least recently used), lets their requests
 * drain, and leaves them to the planner, which moves them down the tiers as they stay idle:
 * paused after 1 s, snapshotted after 60 s, retired after 24 h. Under
 * {@link dev.wisp.autoscaler.StandbyMode#ALWAYS_ON} they stay running instead, until retired.
 * Scaling out takes the cheapest of them first ({@link dev.wisp.autoscaler.StandbyPlanner#wake}):
 * resuming a paused instance takes about a millisecond, so a short dip and rise in traffic costs
 * almost nothing, where Knative would have deleted a pod and cold-started another.
 *
 * <p>The planner also pauses idle instances inside the serving set, as Unikraft does after its
 * 1 s cooldown: a paused instance still counts as serving because the router resumes it in about
 * a millisecond on its next request. This is why Wisp can keep Knative's conservative scale-down
 * (a 60 s stable window and a 30 s grace before the last instance goes): an idle service holding
 * one "serving" instance holds a paused VM that uses no CPU, and after a minute a snapshot that
 * uses no memory. The serving set is only protected from retirement, so N (and
 * {@code minInstances}) always exist in some tier.
 *
 * <p>Not here: the hard per-instance concurrency limit and request queueing (router), and the VM
 * operations themselves (runtime).
 */
package dev.wisp.autoscaler;
