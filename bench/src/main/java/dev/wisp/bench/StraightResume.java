package dev.wisp.bench;

import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;

/**
 * Wisp's side of a resume without the router or the node: a VM of the benchmark's runtime (jailed
 * as the node's are) paused and resumed by the runtime, then asked with the client raw QEMU's
 * resume is timed with. Beside raw QEMU's resume and the routed wake it splits a paused wake's
 * extra time into the VMM's part and the router's and node's.
 */
final class StraightResume {
    private StraightResume() {}

    /** Boots the VM and asks it once, so the request path's code has run, as the router's warm-up does. */
    static PausedVm boot(VmRuntime runtime, VmSpec spec) throws IOException {
        Instance instance = runtime.boot("bench-straight", spec);
        HttpProbe.timedGet(instance.hostPort(), "localhost", "/");
        return new PausedVm(instance::pause, instance::resume, instance.vmmPid(), instance.hostPort(), instance::stop);
    }
}
