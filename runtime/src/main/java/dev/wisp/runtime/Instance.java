package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One microVM and its life: the only face of a VM the rest of Wisp sees. Operations block until
 * done and move the instance through {@link InstanceState} one checked, timed step at a time.
 * A VM that fails or dies ends {@link InstanceState#FAILED} with its VMM process killed and its
 * run directory and port released; a snapshot it was restoring from is kept.
 */
public final class Instance {
    private static final System.Logger LOG = System.getLogger(Instance.class.getName());
    /** A restored guest answers the re-identify command within milliseconds; this bounds a wedged one. */
    private static final Duration REIDENTIFY_TIMEOUT = Duration.ofSeconds(15);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final String id;
    private final VmRuntime runtime;
    private final VmSpec spec;
    private final ReentrantLock lock = new ReentrantLock();
    private static final Set<ConsoleMarker.Kind> BOOT_MARKERS = EnumSet.of(ConsoleMarker.Kind.INIT,
            ConsoleMarker.Kind.ENV, ConsoleMarker.Kind.READY, ConsoleMarker.Kind.EXIT, ConsoleMarker.Kind.ERROR);
    private static final Set<ConsoleMarker.Kind> RESTORE_MARKERS = EnumSet.of(ConsoleMarker.Kind.RESTORED,
            ConsoleMarker.Kind.EXIT, ConsoleMarker.Kind.ERROR);

    private final MarkerInbox markers = new MarkerInbox();
    private final List<InstanceEvent> history = new ArrayList<>();

    private volatile InstanceState state = InstanceState.CREATING;
    private volatile Instant stateSince = Instant.now();
    private volatile int hostPort = -1;
    private volatile Path directory;
    private volatile VmHandle handle;
    /** Where the running VM's RAM lives: a standby snapshot of a clone refers to its template's file. */
    private volatile GuestMemory memory;
    private volatile boolean exitExpected;
    private volatile Snapshot standby;
    private volatile String failure;
    private volatile List<String> lastConsole = List.of();

    Instance(String id, VmRuntime runtime, VmSpec spec) {
        this.id = id;
        this.runtime = runtime;
        this.spec = spec;
    }

    public String id() {
        return id;
    }

    public VmSpec spec() {
        return spec;
    }

    public InstanceState state() {
        return state;
    }

    /** Loopback port forwarded to the guest's app port; -1 while no VMM runs. */
    public int hostPort() {
        return state.hasProcess() ? hostPort : -1;
    }

    /** Why the instance failed, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The standby snapshot while {@link InstanceState#SNAPSHOTTED}. */
    public Optional<Snapshot> standbySnapshot() {
        return Optional.ofNullable(standby);
    }

    /** OS pid of the VMM process, or -1. */
    public long vmmPid() {
        VmHandle h = handle;
        return h != null && h.isAlive() ? h.pid() : -1;
    }

    /** The console's last lines (live while running; as it was at the end otherwise). */
    public List<String> consoleTail() {
        VmHandle h = handle;
        return h != null ? h.consoleTail() : lastConsole;
    }

    /** The running VMM (tests: reach its console). */
    VmHandle handle() {
        return handle;
    }

    /** Console markers held for the step under way (tests: bounded whatever the guest prints). */
    int markerBacklog() {
        return markers.size();
    }

    /** Every state change so far, oldest first. */
    public List<InstanceEvent> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    // ---- operations -------------------------------------------------------------------------

    void boot(GuestMemory memory) {
        withLock(() -> {
            move(InstanceState.BOOTING, "");
            launch(memory, null);
            awaitReady();
            markers.close();
            move(InstanceState.READY, "");
        });
    }

    void restoreFrom(Snapshot snapshot, GuestMemory memory) {
        withLock(() -> restoreLocked(snapshot, memory));
    }

    private void restoreLocked(Snapshot snapshot, GuestMemory memory) {
        move(InstanceState.RESTORING, snapshot.kind().name().toLowerCase() + " " + snapshot.directory());
        SnapshotStore.checkWhole(snapshot);
        long t0 = System.nanoTime();
        launch(memory, snapshot);
        long loaded = System.nanoTime();
        // Typed while the vCPUs still stand: the guest reads it the moment it runs, before any
        // request can reach the app with the template's identity and entropy.
        sendIdentity();
        try {
            handle.resume();
        } catch (IOException e) {
            throw fail("could not resume restored VM: " + e.getMessage(), e);
        }
        long resumed = System.nanoTime();
        awaitIdentityAck();
        markers.close();
        long acked = System.nanoTime();
        move(InstanceState.READY, String.format(java.util.Locale.ROOT, "loaded %.1f ms, guest re-identified %.1f ms after resume",
                (loaded - t0) / 1e6, (acked - resumed) / 1e6));
    }

    /** Stops the vCPUs: no CPU used, memory kept. */
    public void pause() {
        withLock(() -> {
            requireState(InstanceState.READY, "pause");
            try {
                handle.pause();
            } catch (IOException e) {
                throw fail("pause failed: " + e.getMessage(), e);
            }
            move(InstanceState.PAUSED, "");
        });
    }

    /** Starts a paused instance's vCPUs again. */
    public void resume() {
        withLock(() -> {
            requireState(InstanceState.PAUSED, "resume");
            try {
                handle.resume();
            } catch (IOException e) {
                throw fail("resume failed: " + e.getMessage(), e);
            }
            move(InstanceState.READY, "");
        });
    }

    /**
     * Saves the VM to {@code directory} and ends its process: no CPU, no memory, only disk.
     * If saving fails (a full disk, say) the partial snapshot is removed and the instance stays
     * paused, running and whole.
     */
    public Snapshot snapshot(Path directory) {
        return withLock(() -> {
            if (state != InstanceState.READY && state != InstanceState.PAUSED) {
                throw new VmException("cannot snapshot " + id + " while " + state.name().toLowerCase());
            }
            move(InstanceState.SNAPSHOTTING, directory.toString());
            Snapshot snap;
            try {
                handle.pause();
                snap = save(directory, Snapshot.Kind.STANDBY, false);
            } catch (IOException | RuntimeException e) {
                boolean full = DiskFull.causedBy(e, directory);
                SnapshotStore.delete(directory);
                String why = full ? DiskFull.describe("no room for the snapshot in", directory) : e.getMessage();
                if (handle.isAlive()) {
                    move(InstanceState.PAUSED, "snapshot failed: " + why);
                    throw new VmException("snapshot of " + id + " failed, instance left paused: " + why, e);
                }
                throw fail("VMM died while snapshotting: " + why, e);
            }
            endProcess();
            standby = snap;
            move(InstanceState.SNAPSHOTTED, "");
            return snap;
        });
    }

    /** Brings a snapshotted instance back; its standby snapshot is deleted once it runs again. */
    public void restore() {
        withLock(() -> {
            requireState(InstanceState.SNAPSHOTTED, "restore");
            Snapshot snap = standby;
            restoreLocked(snap, VmRuntime.memoryFor(snap));
            standby = null;
            SnapshotStore.delete(snap.directory());
        });
    }

    /** Stops the VM for good and removes everything it owns: process, run directory, standby snapshot. */
    public void stop() {
        withLock(() -> {
            if (state.isTerminal()) {
                return;
            }
            if (state == InstanceState.SNAPSHOTTED) {
                SnapshotStore.delete(standby.directory());
                standby = null;
                move(InstanceState.STOPPED, "standby snapshot deleted");
                return;
            }
            move(InstanceState.STOPPING, "");
            exitExpected = true;
            if (handle != null) {
                handle.stop(runtime.config().stopGrace());
            }
            endProcess();
            move(InstanceState.STOPPED, "");
        });
    }

    /** Used by the runtime to build a template: saves without ending the process. */
    Snapshot saveTemplate(Path directory) {
        return withLock(() -> {
            requireState(InstanceState.READY, "snapshot as template");
            move(InstanceState.SNAPSHOTTING, "template " + directory);
            try {
                handle.pause();
                Snapshot snap = save(directory, Snapshot.Kind.TEMPLATE, true);
                exitExpected = true;
                handle.kill();
                endProcess();
                move(InstanceState.STOPPED, "template saved");
                return snap;
            } catch (IOException e) {
                throw fail("template snapshot failed: " + (DiskFull.causedBy(e, directory)
                        ? DiskFull.describe("no room for the template in", directory) : e.getMessage()), e);
            }
        });
    }

    private Snapshot save(Path directory, Snapshot.Kind kind, boolean memoryInFile) throws IOException {
        PrivateFiles.directory(directory);
        Path stateFile = directory.resolve(Snapshot.STATE_FILE);
        VmHandle.SnapshotFiles files = handle.saveState(stateFile);
        // A clone's snapshot holds only what differs from its template's memory file and needs that file to restore.
        Optional<Path> mem = memoryInFile ? Optional.of(directory.resolve(Snapshot.MEMORY_FILE))
                : memory instanceof GuestMemory.PrivateFile p ? Optional.of(p.file()) : Optional.empty();
        Snapshot snap = new Snapshot(directory, kind, spec, runtime.vmm().accelerator(), files, mem, Instant.now());
        SnapshotStore.write(snap);
        return snap;
    }

    // ---- internals --------------------------------------------------------------------------

    private void launch(GuestMemory memory, Snapshot from) {
        exitExpected = false;
        markers.expect(from == null ? BOOT_MARKERS : RESTORE_MARKERS);
        this.memory = memory;
        try {
            if (from == null) {
                handle = runtime.vmm().boot(ownLaunch(memory));
            } else {
                Optional<VmmPool.Pooled> pooled = runtime.pool().take(new VmmPool.Shape(spec, memory));
                if (pooled.isPresent()) {
                    hostPort = pooled.get().hostPort();
                    directory = pooled.get().directory();
                    handle = pooled.get().handle();
                    handle.attach(markers::offer, line -> runtime.publishConsole(id, line));
                } else {
                    handle = runtime.vmm().startIncoming(ownLaunch(memory));
                }
                handle.loadState(from.stateFile(), from.state());
            }
        } catch (IOException | RuntimeException e) {
            String what = from == null ? "boot failed: " : "restore failed: ";
            String why = ramFileFull().orElse(e.getMessage());
            throw fail(what + why + (from != null ? " (snapshot kept at " + from.directory() + ")" : ""), e);
        }
        handle.exited().thenAccept(this::onProcessExit);
    }

    private Vmm.Launch ownLaunch(GuestMemory memory) throws IOException {
        hostPort = runtime.ports().acquire();
        directory = runtime.instanceDirectory(id);
        PrivateFiles.directory(directory);
        return new Vmm.Launch(id, spec, directory, hostPort, memory, markers::offer,
                line -> runtime.publishConsole(id, line));
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + spec.readyTimeout().toNanos();
        boolean envSent = false;
        while (true) {
            ConsoleMarker m = nextMarker(deadline);
            if (m == null) {
                if (!handle.isAlive()) {
                    throw fail(ramFileFull().orElse("VMM exited during boot"), null);
                }
                throw fail("app did not listen on port " + spec.guestPort() + " within "
                        + spec.readyTimeout().toSeconds() + " s (ready timeout)", null);
            }
            switch (m.kind()) {
                case ENV -> {
                    sendEnv();
                    envSent = true;
                }
                case READY -> {
                    if (!envSent && !spec.boot().env().isEmpty()) {
                        throw fail("the image's guest init never asked for the app's environment"
                                + " (built by an older Wisp?): rebuild the image", null);
                    }
                    return;
                }
                case EXIT -> throw fail("entrypoint exited with code " + m.argument() + " before it was ready", null);
                case ERROR -> throw fail("guest init failed: " + m.argument(), null);
                default -> { }
            }
        }
    }

    /**
     * A template's guest writes its RAM straight into a shared file; when that file's disk has no
     * room for a page the guest touches, QEMU dies of SIGBUS. Say that, not merely "VMM exited".
     */
    private Optional<String> ramFileFull() {
        if (memory instanceof GuestMemory.SharedFile f && DiskFull.nearlyFull(f.file())) {
            return Optional.of(DiskFull.describe("no room for the guest's RAM in the memory file", f.file())
                    + "; the VM needs up to " + spec.memoryMib() + " MiB there, and its VMM died");
        }
        return Optional.empty();
    }

    /** Answers the agent's request for the app's environment; echo is off, so it never shows. */
    private void sendEnv() {
        try {
            handle.typeIntoConsole(ConsoleMarker.envCommands(spec.boot().env()));
        } catch (IOException e) {
            throw fail("could not hand the app its environment: " + e.getMessage(), e);
        }
    }

    /** Tells a restored guest its new id, clock and entropy (guest-protocol.md). */
    private void sendIdentity() {
        byte[] seed = new byte[32];
        SEEDS.nextBytes(seed);
        try {
            handle.typeIntoConsole(ConsoleMarker.restoreCommand(id, Instant.now().getEpochSecond(),
                    HexFormat.of().formatHex(seed)));
        } catch (IOException e) {
            throw fail("could not reach restored guest's console: " + e.getMessage(), e);
        }
    }

    private void awaitIdentityAck() {
        long deadline = System.nanoTime() + REIDENTIFY_TIMEOUT.toNanos();
        while (true) {
            ConsoleMarker m = nextMarker(deadline);
            if (m == null) {
                throw fail(handle.isAlive() ? "restored guest did not answer re-identify within "
                        + REIDENTIFY_TIMEOUT.toSeconds() + " s" : "VMM exited after restore", null);
            }
            if (m.kind() == ConsoleMarker.Kind.RESTORED && m.argument().equals(id)) {
                return;
            }
            if (m.kind() == ConsoleMarker.Kind.EXIT) {
                throw fail("entrypoint exited with code " + m.argument() + " after restore", null);
            }
        }
    }

    /** Next marker, or null at the deadline or once the VMM has died and said nothing more. */
    private ConsoleMarker nextMarker(long deadlineNanos) {
        try {
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                ConsoleMarker m = markers.poll(Math.min(left, 20_000_000L));
                if (m != null) {
                    return m;
                }
                if (!handle.isAlive()) {
                    // Give the console reader a moment to drain what the guest said last.
                    return markers.poll(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void onProcessExit(int code) {
        if (exitExpected || !lock.tryLock()) {
            return; // An operation holds the lock and sees the death itself (checked before it unlocks).
        }
        try {
            noticeDeath(code);
        } finally {
            lock.unlock();
        }
    }

    private void noticeDeath(int code) {
        if (!exitExpected && state.hasProcess() && state != InstanceState.STOPPING) {
            try {
                throw fail("VMM process exited unexpectedly (code " + code + ")", null);
            } catch (InstanceFailedException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
            }
        }
    }

    /** Kills the VMM, releases port and directory, and moves to FAILED. Returns the exception to throw. */
    private InstanceFailedException fail(String reason, Throwable cause) {
        VmHandle h = handle;
        List<String> tail = h != null ? h.consoleTail() : List.of();
        exitExpected = true;
        if (h != null && h.isAlive()) {
            h.kill();
        }
        endProcess();
        lastConsole = tail;
        failure = reason;
        if (!state.isTerminal()) {
            move(InstanceState.FAILED, reason);
        }
        return new InstanceFailedException(id + ": " + reason, tail, cause);
    }

    /** After the process is gone: remember its console, free its port and its run directory. */
    private void endProcess() {
        VmHandle h = handle;
        if (h != null) {
            lastConsole = h.consoleTail();
            if (h.isAlive()) {
                h.kill();
            }
        }
        handle = null;
        if (hostPort > 0) {
            runtime.ports().release(hostPort);
            hostPort = -1;
        }
        if (directory != null) {
            SnapshotStore.delete(directory);
            directory = null;
        }
    }

    private void requireState(InstanceState expected, String action) {
        if (state != expected) {
            throw new VmException("cannot " + action + " " + id + " while " + state.name().toLowerCase());
        }
    }

    private void move(InstanceState to, String detail) {
        InstanceState from = state;
        if (!from.next().contains(to)) {
            throw new IllegalStateException(id + ": illegal transition " + from + " -> " + to);
        }
        Instant now = Instant.now();
        InstanceEvent event = new InstanceEvent(id, from, to, now, Duration.between(stateSince, now), detail);
        state = to;
        stateSince = now;
        synchronized (history) {
            history.add(event);
        }
        if (to.isTerminal()) {
            // Nothing of a finished VM stays behind: no markers, no console (a failed one keeps its
            // bounded last lines for the error), and the runtime forgets it.
            markers.close();
            if (to == InstanceState.STOPPED) {
                lastConsole = List.of();
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
            VmHandle h = handle;
            if (h != null && !h.isAlive() && !exitExpected) {
                noticeDeath(h.exited().getNow(-1));
            }
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Instance[" + id + " " + state.name().toLowerCase() + (hostPort() > 0 ? " :" + hostPort() : "") + "]";
    }
}
