package dev.wisp.node;

import dev.wisp.router.WaitedRequest;
import dev.wisp.runtime.WakeTimings;

/**
 * Where a service's latest wake spent its time, as {@link System#nanoTime()} marks from the
 * three parts it crossed: the node's decision and thread hand-off, the runtime's steps on the VM,
 * and the router's steps for the latest request that waited for capacity. All marks share one
 * clock (this JVM's), so a client in the same process can line them up with its own; 0 marks a
 * step that did not happen.
 *
 * @param path the wake path: {@code resume_paused}, {@code restore_snapshot}, {@code
 *     clone_template} or {@code cold_boot}
 * @param demandNanos the router's demand reached the node (0: the wake had another cause)
 * @param submittedNanos the node had chosen the path and handed the wake to a VM-operations thread
 * @param threadNanos that thread began the wake
 * @param doneNanos the runtime's operation returned: the instance runs
 * @param routedNanos the instance's endpoint was about to be published to the router (a paused instance is
 *     routed right after its resume is sent, before the wake's thread starts)
 * @param vm the runtime's steps on the VM (null when the operation failed or had none)
 * @param request the router's steps of the latest request that waited (null before the first)
 */
public record WakeTrace(
        String path,
        long demandNanos,
        long submittedNanos,
        long threadNanos,
        long doneNanos,
        long routedNanos,
        WakeTimings vm,
        WaitedRequest request) {}
