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
final class StraightResume implements AutoCloseable {
    private final Instance instance;
    private VmmSched.Sample lastVmm = new VmmSched.Sample(0, 0);

    StraightResume(VmRuntime runtime, VmSpec spec) throws IOException {
        instance = runtime.boot("bench-straight", spec);
        // Its first answer: the guest serves (boot returns when the app listens; the first request
        // also runs the request path's code once, as the router's warm-up does for the other VM).
        HttpProbe.timedGet(instance.hostPort(), "localhost", "/");
    }

    /** Pauses for {@code pausedMillis}, then nanoseconds from before the resume to the first answer. */
    long resumeAfter(long pausedMillis) throws IOException {
        instance.pause();
        RawBaseline.sleep(pausedMillis);
        VmmSched.Timed t = VmmSched.timed(instance.vmmPid(), instance.hostPort(), instance::resume);
        lastVmm = t.vmm();
        return t.nanos();
    }

    /** What the VMM's threads did in the latest {@link #resumeAfter}, from the resume to the answer. */
    VmmSched.Sample lastVmm() {
        return lastVmm;
    }

    @Override
    public void close() {
        instance.stop();
    }
}
