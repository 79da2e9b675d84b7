package dev.wisp.runtime;

import dev.wisp.runtime.net.NetSlot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The VMM process an {@link Instance} runs on and what comes and goes with it: its network (loopback port or TAP namespace),
 * its run directory, where its RAM lives, its console. Started through the runtime's
 * {@link Vmm} driver (or taken from its pool), ended by {@link #end()}, which frees all of it.
 * Changes no instance state: the Instance does, under its lock.
 */
final class InstanceVmm {
    private final String id;
    private final VmSpec spec;
    private final VmRuntime runtime;

    private volatile VmHandle handle;
    private volatile Console console;
    private volatile NetSlot net;
    private volatile Path directory;
    /** Where the running VM's RAM lives: a standby snapshot of a clone refers to its template's file. */
    private volatile GuestMemory memory;

    private volatile List<String> lastConsole = List.of();
    /** When the latest boot's network slot was ready and its VMM answered (nanoTime). */
    private volatile long networkNanos;

    private volatile long startedNanos;

    /** When a {@link #load} had its VMM ready and had handed it the whole stream (nanoTime). */
    record LoadMarks(long vmmReadyNanos, long streamSentNanos) {}

    InstanceVmm(String id, VmSpec spec, VmRuntime runtime) {
        this.id = id;
        this.spec = spec;
        this.runtime = runtime;
    }

    String id() {
        return id;
    }

    VmSpec spec() {
        return spec;
    }

    /** Starts a VMM that boots the spec; the guest's markers go to {@code markers}. */
    void boot(GuestMemory memory, Consumer<ConsoleMarker> markers) throws IOException {
        this.memory = memory;
        Console c = newConsole(markers);
        Vmm.Launch launch = ownLaunch(memory, c);
        networkNanos = System.nanoTime();
        handle = runtime.vmm().boot(launch);
        startedNanos = System.nanoTime();
        console = c;
    }

    /** When the latest {@link #boot}'s network was ready (nanoTime). */
    long networkNanos() {
        return networkNanos;
    }

    /** When the latest {@link #boot}'s VMM answered on its control socket (nanoTime). */
    long startedNanos() {
        return startedNanos;
    }

    /**
     * Loads {@code from} into a VMM of the pool if one of this shape waits, else into a new one;
     * the VM is left paused.
     */
    LoadMarks load(Snapshot from, GuestMemory memory, Consumer<ConsoleMarker> markers) throws IOException {
        this.memory = memory;
        Optional<VmmPool.Pooled> pooled = runtime.pool().take(new VmmPool.Shape(spec, memory));
        if (pooled.isPresent()) {
            net = pooled.get().net();
            // This instance's policy before the guest runs.
            runtime.applyEgress(net, id);
            directory = pooled.get().directory();
            handle = pooled.get().handle();
            console = pooled.get().console();
            console.attach(markers, (stream, line) -> runtime.publishConsole(id, stream, line));
        } else {
            Console c = newConsole(markers);
            handle = runtime.vmm().startIncoming(ownLaunch(memory, c));
            console = c;
        }
        long vmmReady = System.nanoTime();
        return new LoadMarks(vmmReady, handle.loadState(from.stateFile(), from.state()));
    }

    private Console newConsole(Consumer<ConsoleMarker> markers) {
        return new Console(markers, (stream, line) -> runtime.publishConsole(id, stream, line));
    }

    private Vmm.Launch ownLaunch(GuestMemory memory, Console console) throws IOException {
        net = runtime.network().acquire(id, spec.guestPort());
        runtime.applyEgress(net, id);
        directory = runtime.instanceDirectory(id);
        PrivateFiles.directory(directory);
        return new Vmm.Launch(id, spec, directory, net, memory, console);
    }

    /** Pauses the VM, saves it as a template (its memory in a file of its own) and ends the VMM. */
    Snapshot saveTemplateAndEnd(Path directory) throws IOException {
        handle().pause();
        Snapshot snap = save(directory, Snapshot.Kind.TEMPLATE, true);
        handle().kill();
        end();
        return snap;
    }

    /**
     * Saves the paused VM into {@code directory} as a snapshot of this kind. {@code memoryInFile}:
     * the VM's RAM is already in the directory's memory file (a template).
     */
    Snapshot save(Path directory, Snapshot.Kind kind, boolean memoryInFile) throws IOException {
        PrivateFiles.directory(directory);
        Path stateFile = directory.resolve(Snapshot.STATE_FILE);
        SnapshotFiles files = handle.saveState(stateFile);
        // A clone's snapshot holds only what differs from its template's memory file and needs that file to restore.
        Optional<Path> mem = memoryInFile
                ? Optional.of(directory.resolve(Snapshot.MEMORY_FILE))
                : memory instanceof GuestMemory.PrivateFile p ? Optional.of(p.file()) : Optional.empty();
        Snapshot snap = new Snapshot(directory, kind, spec, runtime.vmm().accelerator(), files, mem, Instant.now());
        SnapshotStore.write(snap);
        return snap;
    }

    /**
     * A template's guest writes its RAM straight into a shared file; when that file's disk has no
     * room for a page the guest touches, the VMM dies (QEMU of SIGBUS). Say that, not merely
     * "VMM exited".
     */
    Optional<String> ramFileFull() {
        if (memory instanceof GuestMemory.SharedFile f && DiskFull.nearlyFull(f.file())) {
            return Optional.of(DiskFull.describe("no room for the guest's RAM in the memory file", f.file())
                    + "; the VM needs up to " + spec.memoryMib() + " MiB there, and its VMM died");
        }
        return Optional.empty();
    }

    /** Why a boot, or a load of {@code from}, failed, as the instance's failure says it. */
    String launchFailure(Snapshot from, Exception e) {
        String why = ramFileFull().orElse(e.getMessage());
        return from == null
                ? "boot failed: " + why
                : "restore failed: " + why + " (snapshot kept at " + from.directory() + ")";
    }

    /** After the process is gone (or must go): remember its console, kill it, free its port and run directory. */
    void end() {
        VmHandle h = handle;
        Console c = console;
        if (c != null) {
            lastConsole = c.tail();
        }
        if (h != null && h.isAlive()) {
            h.kill();
        }
        handle = null;
        console = null;
        NetSlot n = net;
        if (n != null) {
            n.release();
            net = null;
        }
        if (directory != null) {
            SnapshotStore.delete(directory);
            directory = null;
        }
    }

    /** Why the VMM died, when its jail knows more than the exit code (its memory limit). */
    Optional<String> deathCause() {
        VmHandle h = handle;
        return h != null ? h.deathCause() : Optional.empty();
    }

    /** The running VMM, or null. */
    VmHandle handle() {
        return handle;
    }

    /** The running VMM's console, or null (tests: see it is freed once the VM is gone). */
    Console console() {
        return console;
    }

    int hostPort() {
        NetSlot n = net;
        return n != null ? n.port() : -1;
    }

    /** Where the host reaches the guest's port, or null without a VMM. */
    String address() {
        NetSlot n = net;
        return n != null ? n.address() : null;
    }

    boolean isAlive() {
        VmHandle h = handle;
        return h != null && h.isAlive();
    }

    /** OS pid of the running VMM, or -1. */
    long pid() {
        VmHandle h = handle;
        return h != null && h.isAlive() ? h.pid() : -1;
    }

    /** The running console's last lines; none without a VMM. */
    List<String> liveTail() {
        Console c = console;
        return c != null ? c.tail() : List.of();
    }

    /** The console's last lines: live while a VMM runs, as it was at the end otherwise. */
    List<String> consoleTail() {
        Console c = console;
        return c != null ? c.tail() : lastConsole;
    }

    /** What {@link #consoleTail()} shows once no VMM runs. */
    void keepConsole(List<String> tail) {
        lastConsole = tail;
    }
}
