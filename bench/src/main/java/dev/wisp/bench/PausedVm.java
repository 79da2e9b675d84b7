package dev.wisp.bench;

import java.io.IOException;

/**
 * One VM, already answering, that the wake benchmark pauses and resumes again and again, each
 * resume timed to the first answer by {@link VmmSched#timed}. Raw QEMU's side
 * ({@link RawBaseline#resumer}) and Wisp's runtime alone ({@link StraightResume}) differ only in how
 * they pause, resume and stop, so both sides are timed by the same steps.
 */
final class PausedVm implements AutoCloseable {
    private final VmmSched.Resume pause;
    private final VmmSched.Resume resume;
    private final long pid;
    private final int port;
    private final Runnable stop;
    private VmmSched.Sample lastVmm = new VmmSched.Sample(0, 0);

    /**
     * @param pid  the VMM's process, whose threads {@link #lastVmm} reports
     * @param port the host port the guest answers on
     */
    PausedVm(VmmSched.Resume pause, VmmSched.Resume resume, long pid, int port, Runnable stop) {
        this.pause = pause;
        this.resume = resume;
        this.pid = pid;
        this.port = port;
        this.stop = stop;
    }

    /**
     * Pauses for {@code pausedMillis}, then nanoseconds from before the resume to the first answer,
     * asked with the one-request client both sides use (a resumed guest's network is up: no retries).
     */
    long resumeAfter(long pausedMillis) throws IOException {
        pause.run();
        RawBaseline.sleep(pausedMillis);
        VmmSched.Timed t = VmmSched.timed(pid, port, resume);
        lastVmm = t.vmm();
        return t.nanos();
    }

    /** What the VMM's threads did in the latest {@link #resumeAfter}, from the resume to the answer. */
    VmmSched.Sample lastVmm() {
        return lastVmm;
    }

    @Override
    public void close() {
        stop.run();
    }
}
