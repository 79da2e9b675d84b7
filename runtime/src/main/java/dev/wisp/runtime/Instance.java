package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One microVM and its life: the only face of a VM the rest of Wisp sees. Operations block until
 * done and move the instance through {@link InstanceState} one checked, timed step at a time.
 * A VM that fails or dies ends {@link InstanceState#FAILED} with its VMM process killed and its
 * run directory and port released; a snapshot it was restoring from is kept.
 *
 * <p>Here: the state machine, the operations and their failures. The VMM process and what it
 * holds are an {@link InstanceVmm}; the guest protocol on the console is a {@link GuestDialog}.
 */
public final class Instance {
    private static final System.Logger LOG = System.getLogger(Instance.class.getName());

    private final String id;
    private final VmRuntime runtime;
    private final ReentrantLock lock = new ReentrantLock();
    private final InstanceVmm vmm;
    private final GuestDialog dialog;
    private final StateLog states;

    private volatile boolean exitExpected;
    private volatile Snapshot standby;
    private volatile String failure;
    private volatile WakeTimings lastWake;
    private volatile BootTimings lastBoot;
    /** When a {@link #resumeSoon} sent its resume that {@link #resume} has not completed yet, else 0. */
    private long resumeSentNanos;

    Instance(String id, VmRuntime runtime, VmSpec spec) {
        this.id = id;
        this.runtime = runtime;
        this.states = new StateLog(id);
        this.vmm = new InstanceVmm(id, spec, runtime);
        this.dialog = new GuestDialog(vmm, (reason, cause) -> fail(reason, cause, false));
    }

    public String id() {
        return id;
    }

    public VmSpec spec() {
        return vmm.spec();
    }

    public InstanceState state() {
        return states.state();
    }

    /** The port that reaches the guest's app at {@link #address()}; -1 while no VMM runs. */
    public int hostPort() {
        return states.state().hasProcess() ? vmm.hostPort() : -1;
    }

    /**
     * The address the host reaches {@link #hostPort()} at: {@code 127.0.0.1} on user networking,
     * the VM's veth address on TAP (docs/networking.md); null without a VMM.
     */
    public String address() {
        return states.state().hasProcess() ? vmm.address() : null;
    }

    /** Why the instance failed, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The standby snapshot while {@link InstanceState#SNAPSHOTTED}. */
    public Optional<Snapshot> standbySnapshot() {
        return Optional.ofNullable(standby);
    }

    /** When each step of the latest resume or restore ended, if there was one. */
    public Optional<WakeTimings> lastWake() {
        return Optional.ofNullable(lastWake);
    }

    /** When each step of its cold boot ended, if it was booted (not restored or cloned). */
    public Optional<BootTimings> lastBoot() {
        return Optional.ofNullable(lastBoot);
    }

    /** OS pid of the VMM process, or -1. */
    public long vmmPid() {
        return vmm.pid();
    }

    /** The console's last lines (live while running; as it was at the end otherwise). */
    public List<String> consoleTail() {
        return vmm.consoleTail();
    }

    /** The running VMM's console (tests: see it is freed once the VM is gone). */
    Console console() {
        return vmm.console();
    }

    /** Console markers held for the step under way (tests: bounded whatever the guest prints). */
    int markerBacklog() {
        return dialog.backlog();
    }

    /** Every state change so far, oldest first. */
    public List<InstanceEvent> history() {
        return states.history();
    }

    // ---- operations -------------------------------------------------------------------------

    void boot(GuestMemory memory) {
        withLock(() -> {
            long t0 = System.nanoTime();
            move(InstanceState.BOOTING, "");
            launch(memory, null);
            dialog.awaitReady();
            dialog.close();
            lastBoot = BootTimings.since(t0, vmm, dialog);
            move(InstanceState.READY, "");
        });
    }

    void restoreFrom(Snapshot snapshot, GuestMemory memory) {
        withLock(() -> restoreLocked(snapshot, memory));
    }

    private void restoreLocked(Snapshot snapshot, GuestMemory memory) {
        long t0 = System.nanoTime();
        move(InstanceState.RESTORING, snapshot.kind().name().toLowerCase() + " " + snapshot.directory());
        SnapshotStore.checkWhole(snapshot);
        InstanceVmm.LoadMarks marks = launch(memory, snapshot);
        long loaded = System.nanoTime();
        // Before the vCPUs run: no request may reach the app with the template's identity.
        dialog.sendIdentity();
        long typed = System.nanoTime();
        try {
            vmm.handle().resume();
        } catch (IOException e) {
            throw fail("could not resume restored VM: " + e.getMessage(), e, false);
        }
        long resumed = System.nanoTime();
        dialog.awaitIdentityAck();
        dialog.close();
        long acked = System.nanoTime();
        vmm.handle().settled(); // before any request: it may drop what only the restore ran
        lastWake = new WakeTimings(t0, marks.vmmReadyNanos(), marks.streamSentNanos(), loaded, typed, resumed, acked);
        move(InstanceState.READY, lastWake.restoreDetail());
    }

    /** Stops the vCPUs: no CPU used, memory kept. */
    public void pause() {
        switchVcpus(InstanceState.READY, InstanceState.PAUSED, "pause", VmHandle::pause);
    }

    /** Starts a paused instance's vCPUs again (or completes a {@link #resumeSoon}). */
    public void resume() {
        switchVcpus(InstanceState.PAUSED, InstanceState.READY, "resume", VmHandle::resume);
    }

    /**
     * Sends a paused instance's resume at once without waiting for the VMM's answer, for a thread that must not block
     * (a router event loop that saw demand): the vCPUs start while the caller goes on, and no hand-off to another
     * thread stands before them. {@link #resume} completes it (and reports a failure). False, with nothing sent, if
     * another operation holds the instance or it is not paused; {@link #resume} then does it all.
     */
    public boolean resumeSoon() {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (states.state() != InstanceState.PAUSED || resumeSentNanos != 0) {
                return false;
            }
            long t0 = System.nanoTime();
            vmm.handle().resumeSoon();
            resumeSentNanos = t0;
            return true;
        } catch (IOException e) {
            return false; // resume() sends it again, and says what is wrong if it still is
        } finally {
            lock.unlock();
        }
    }

    private interface VcpuCall {
        void apply(VmHandle handle) throws IOException;
    }

    /** From {@code from} to {@code to} by one call to the VMM; a VMM that cannot answer fails the instance. */
    private void switchVcpus(InstanceState from, InstanceState to, String what, VcpuCall call) {
        withLock(() -> {
            states.require(what, from);
            long sent = resumeSentNanos;
            resumeSentNanos = 0;
            long t0 = sent != 0 ? sent : System.nanoTime();
            try {
                call.apply(vmm.handle());
            } catch (IOException e) {
                throw fail(what + " failed: " + e.getMessage(), e, false);
            }
            if (to == InstanceState.READY) {
                lastWake = WakeTimings.resume(t0, System.nanoTime());
            }
            move(to, "");
        });
    }

    /**
     * Saves the VM to {@code directory} and ends its process: no CPU, no memory, only disk.
     * If saving fails (a full disk, say) the partial snapshot is removed and the instance stays
     * paused, running and whole.
     */
    public Snapshot snapshot(Path directory) {
        return withLock(() -> {
            states.require("snapshot", InstanceState.READY, InstanceState.PAUSED);
            move(InstanceState.SNAPSHOTTING, directory.toString());
            Snapshot snap;
            try {
                vmm.handle().pause();
                snap = vmm.save(directory, Snapshot.Kind.STANDBY, false);
            } catch (IOException | RuntimeException e) {
                String why = DiskFull.reason(e, "no room for the snapshot in", directory);
                SnapshotStore.delete(directory);
                if (vmm.isAlive()) {
                    move(InstanceState.PAUSED, "snapshot failed: " + why);
                    throw new VmException("snapshot of " + id + " failed, instance left paused: " + why, e);
                }
                throw fail("VMM died while snapshotting: " + why, e, false);
            }
            vmm.end();
            standby = snap;
            move(InstanceState.SNAPSHOTTED, "");
            return snap;
        });
    }

    /** Brings a snapshotted instance back; its standby snapshot is deleted once it runs again. */
    public void restore() {
        SnapshotStore.delete(restoreLeavingStandby().directory());
    }

    /**
     * Brings a snapshotted instance back and returns its spent standby snapshot, still on disk:
     * the caller deletes it ({@link VmRuntime#deleteSnapshot}) once the instance serves, so the
     * deletion is not on the wake's path. A failed restore keeps it as the instance's standby.
     */
    public Snapshot restoreLeavingStandby() {
        return withLock(() -> {
            states.require("restore", InstanceState.SNAPSHOTTED);
            Snapshot snap = standby;
            restoreLocked(snap, VmRuntime.memoryFor(snap));
            standby = null;
            return snap;
        });
    }

    /** Stops the VM for good and removes everything it owns: process, run directory, standby snapshot. */
    public void stop() {
        withLock(() -> {
            if (states.state().isTerminal()) {
                return;
            }
            if (states.state() == InstanceState.SNAPSHOTTED) {
                SnapshotStore.delete(standby.directory());
                standby = null;
                move(InstanceState.STOPPED, "standby snapshot deleted");
                return;
            }
            move(InstanceState.STOPPING, "");
            exitExpected = true;
            VmHandle h = vmm.handle();
            if (h != null) {
                h.stop(runtime.config().stopGrace());
            }
            vmm.end();
            move(InstanceState.STOPPED, "");
        });
    }

    /** Used by the runtime to build a template: saves without ending the process. */
    Snapshot saveTemplate(Path directory) {
        return withLock(() -> {
            states.require("snapshot as template", InstanceState.READY);
            move(InstanceState.SNAPSHOTTING, "template " + directory);
            try {
                exitExpected = true; // the VMM ends once the template is saved
                Snapshot snap = vmm.saveTemplateAndEnd(directory);
                move(InstanceState.STOPPED, "template saved");
                return snap;
            } catch (IOException e) {
                throw fail(
                        "template snapshot failed: " + DiskFull.reason(e, "no room for the template in", directory),
                        e,
                        false);
            }
        });
    }

    /** Boots a VMM, or loads {@code from} into one; returns the load's marks, null after a boot. */
    private InstanceVmm.LoadMarks launch(GuestMemory memory, Snapshot from) {
        exitExpected = false;
        dialog.expect(from != null);
        InstanceVmm.LoadMarks marks = null;
        try {
            if (from == null) {
                vmm.boot(memory, dialog::offer);
            } else {
                marks = vmm.load(from, memory, dialog::offer);
            }
        } catch (IOException | RuntimeException e) {
            throw fail(vmm.launchFailure(from, e), e, true);
        }
        vmm.handle().exited().thenAccept(this::onProcessExit);
        return marks;
    }

    private void onProcessExit(int code) {
        // Else an operation holds the lock and sees the death itself (checked before it unlocks).
        if (!exitExpected && lock.tryLock()) {
            try {
                noticeDeath(code);
            } finally {
                lock.unlock();
            }
        }
    }

    private void noticeDeath(int code) {
        if (!exitExpected && states.state().hasProcess() && states.state() != InstanceState.STOPPING) {
            String why = vmm.deathCause().orElse("VMM process exited unexpectedly (code " + code + ")");
            LOG.log(System.Logger.Level.WARNING, fail(why, null, false).getMessage());
        }
    }

    /**
     * Kills the VMM, releases port and directory, and moves to FAILED. Returns the exception to
     * throw. {@code launching}: the VMM was being started or loaded, the guest had not run yet.
     */
    private InstanceFailedException fail(String reason, Throwable cause, boolean launching) {
        boolean host = !exitExpected && VmmFault.ofHost(vmm.handle(), cause, launching);
        List<String> tail = vmm.liveTail();
        exitExpected = true;
        vmm.end();
        vmm.keepConsole(tail);
        failure = reason;
        if (!states.state().isTerminal()) {
            move(InstanceState.FAILED, reason);
        }
        return new InstanceFailedException(id + ": " + reason, tail, cause, host);
    }

    private void move(InstanceState to, String detail) {
        InstanceEvent event = states.move(to, detail);
        if (to == InstanceState.PAUSED) {
            resumeSentNanos = 0; // a resume sent early and overtaken by another operation is spent
        }
        if (to.isTerminal()) {
            // Nothing of a finished VM stays behind: no markers, no console (a failed one keeps its
            // bounded last lines for the error), and the runtime forgets it.
            dialog.close();
            if (to == InstanceState.STOPPED) {
                vmm.keepConsole(List.of());
            }
            runtime.forget(this);
        }
        LOG.log(to == InstanceState.FAILED ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, event);
        runtime.publish(event);
    }

    private void withLock(Runnable op) {
        withLock(() -> {
            op.run();
            return null;
        });
    }

    private <T> T withLock(java.util.function.Supplier<T> op) {
        lock.lock();
        try {
            return op.get();
        } finally {
            VmHandle h = vmm.handle();
            if (h != null && !h.isAlive() && !exitExpected) {
                noticeDeath(h.exited().getNow(-1));
            }
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Instance[" + id + " " + states.state().name().toLowerCase() + (hostPort() > 0 ? " :" + hostPort() : "")
                + "]";
    }
}
