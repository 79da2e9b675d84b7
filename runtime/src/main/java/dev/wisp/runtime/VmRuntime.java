package dev.wisp.runtime;

import dev.wisp.runtime.jail.Jailer;
import dev.wisp.runtime.net.Egress;
import dev.wisp.runtime.net.NetSlot;
import dev.wisp.runtime.net.Networking;
import dev.wisp.runtime.qemu.QemuMicrovm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Entry point of the runtime: boots, restores and clones {@link Instance}s on one host through a
 * {@link Vmm} driver, and owns what they share (guest networking, run directories, listeners).
 *
 * <p>Each runtime keeps its VMs' directories under {@code <runDirectory>/<jvm-pid>/<instance>};
 * at start it sweeps directories of runtimes that are gone, killing VMM processes they left
 * behind, so a crash never leaks QEMU processes or sockets.
 */
public final class VmRuntime implements AutoCloseable {
    static final String PID_FILE = "vmm.pid";
    private static final System.Logger LOG = System.getLogger(VmRuntime.class.getName());
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    private final RuntimeConfig config;
    private final Vmm vmm;
    private final Jailer jailer;
    private final Path ownRunDirectory;
    private final Networking network;
    private volatile Function<String, Egress> egressOf = id -> Egress.NONE;
    private final VmmPool pool;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<InstanceEvent>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<ConsoleLine>> consoleListeners = new CopyOnWriteArrayList<>();

    private VmRuntime(RuntimeConfig config, Vmm vmm, Jailer jailer, Networking network) throws IOException {
        this.config = config;
        this.vmm = vmm;
        this.jailer = jailer;
        this.network = network;
        this.ownRunDirectory = ownRunDirectory(config);
        // Owner-only: the run directories hold every VM's control socket.
        PrivateFiles.directory(config.runDirectory());
        PrivateFiles.directory(ownRunDirectory);
        this.pool = new VmmPool(vmm, network, ownRunDirectory, config.vmmPool());
    }

    /**
     * Starts a runtime on QEMU microvm. With {@link AcceleratorChoice#AUTO} it probes whether KVM
     * boots {@code kernel} here (cached after the first time) and falls back to TCG.
     */
    public static VmRuntime start(RuntimeConfig config, Path kernel) {
        Jailer jailer = null;
        Networking network = null;
        try {
            LeftoverVmms.sweep(config.runDirectory());
            PrivateFiles.directory(config.runDirectory());
            PrivateFiles.directory(ownRunDirectory(config));
            jailer = config.jail().enabled()
                    ? Jailer.open(config.jail(), ownRunDirectory(config), config.qemuBinary())
                    : null;
            // The one place that picks the VMM driver: another driver goes here, callers stay as they are.
            Vmm vmm = QemuMicrovm.open(config, kernel, Optional.ofNullable(jailer));
            network = Networking.open(config.network());
            VmRuntime rt = new VmRuntime(config, vmm, jailer, network);
            LOG.log(
                    System.Logger.Level.INFO,
                    "runtime: {0} on {1} ({2}), VMMs {3}, network {4}",
                    vmm.name(),
                    vmm.accelerator(),
                    vmm.acceleratorReason(),
                    rt.isolation(),
                    network.describe());
            return rt;
        } catch (IOException | RuntimeException e) {
            if (jailer != null) {
                jailer.close();
            }
            if (network != null) {
                network.close();
            }
            throw e instanceof IOException io
                    ? new VmException("cannot use run directory " + config.runDirectory() + ": " + io.getMessage(), io)
                    : (RuntimeException) e;
        }
    }

    private static Path ownRunDirectory(RuntimeConfig config) {
        return config.runDirectory()
                .resolve(Long.toString(ProcessHandle.current().pid()));
    }

    /** How VMMs are isolated, for users: jailed (uids, cgroup hierarchy) or not jailed. */
    public String isolation() {
        return jailer != null ? jailer.describe() : "not jailed (run as the platform's user, no cgroup limits)";
    }

    /** How guests are networked, for users: {@code tap (...)} or {@code user (reason)}. */
    public String networking() {
        return network.describe();
    }

    /**
     * Which egress policy each instance (by id) gets; applied when its VMM starts or is taken from
     * the pool. Default: {@link Egress#NONE} for all.
     */
    public void egress(Function<String, Egress> instanceToEgress) {
        this.egressOf = java.util.Objects.requireNonNull(instanceToEgress);
    }

    /** The jail, when VMMs are jailed: tenant quotas, a VM's cgroup. */
    public Optional<Jailer> jailer() {
        return Optional.ofNullable(jailer);
    }

    /**
     * Sets a tenant's quota on the parent cgroup its VMMs run under: {@code vcpus} CPUs of time,
     * {@code memoryMib} of guest RAM (plus each VMM's overhead, {@code instances} of them), and
     * the pids of {@code instances} VMMs. Does nothing when VMMs are not jailed (no cgroups then).
     *
     * @throws VmException when the kernel refuses a value (one line: which and why)
     */
    public void limitTenant(String tenant, int vcpus, long memoryMib, int instances) {
        if (jailer != null) {
            jailer.limitTenant(tenant, vcpus, memoryMib, instances);
        }
    }

    /** VMM processes waiting in the pool for a restore or clone (benchmarks wait for a refill). */
    public int idleVmms() {
        return pool.idleCount();
    }

    public Accelerator accelerator() {
        return vmm.accelerator();
    }

    /** Why that accelerator: forced, probed, cached. */
    public String acceleratorReason() {
        return vmm.acceleratorReason();
    }

    /** Boots a new instance and returns once its app listens on its port. */
    public Instance boot(String id, VmSpec spec) {
        Instance instance = register(id, spec);
        instance.boot(new GuestMemory.Anonymous());
        return instance;
    }

    /**
     * Boots {@code spec} once, waits for its app, and saves it into {@code directory} as a warm
     * template. The booting VM keeps its RAM in the template's memory file, so saving writes only
     * device state.
     */
    public Template createTemplate(String name, VmSpec spec, Path directory) {
        if (Files.exists(directory.resolve(Snapshot.META_FILE))) {
            throw new VmException("a snapshot already exists at " + directory);
        }
        if (!spec.boot().volumes().isEmpty()) {
            // Every clone would mount the template's volume: two guests on one ext4 disk corrupt it.
            throw new VmException("a template cannot have volumes: each instance attaches its own");
        }
        try {
            PrivateFiles.directory(directory);
            // QEMU would create it with the umask's mode (0644): the guest's RAM, secrets and all.
            PrivateFiles.emptyFile(directory.resolve(Snapshot.MEMORY_FILE));
        } catch (IOException e) {
            throw new VmException("cannot create " + directory + ": " + e.getMessage(), e);
        }
        Instance warmer = register("tpl-" + validId(name), spec);
        try {
            warmer.boot(new GuestMemory.SharedFile(directory.resolve(Snapshot.MEMORY_FILE)));
            return new Template(name, warmer.saveTemplate(directory));
        } catch (RuntimeException e) {
            SnapshotStore.delete(directory);
            throw e;
        } finally {
            instances.remove(warmer.id());
        }
    }

    /** Loads a template saved earlier (after a restart, say), checking it is whole. */
    public Template loadTemplate(String name, Path directory) {
        return new Template(name, loadSnapshot(directory));
    }

    /** Starts a new instance as a clone of {@code template}, with its own port, id and entropy. */
    public Instance cloneFrom(Template template, String id) {
        return restore(template.snapshot(), id);
    }

    /**
     * Starts an instance from a snapshot: a clone for a template, the sleeper itself for a standby
     * snapshot found on disk (which is kept).
     */
    public Instance restore(Snapshot snapshot, String id) {
        requireSameAccelerator(snapshot);
        Instance instance = register(id, snapshot.spec());
        instance.restoreFrom(snapshot, memoryFor(snapshot));
        return instance;
    }

    /**
     * Starts a VMM process for this snapshot's shape ahead of need, so the next restore or clone
     * from it skips process start (see {@link RuntimeConfig#vmmPool()}).
     */
    public void prewarm(Snapshot snapshot) {
        requireSameAccelerator(snapshot);
        pool.refill(new VmmPool.Shape(snapshot.spec(), memoryFor(snapshot)));
    }

    /**
     * A template's clones map its memory file privately, and so does a clone restored from standby
     * (its stream holds only the pages it changed); a booted VM's standby snapshot carries all its RAM.
     */
    static GuestMemory memoryFor(Snapshot snapshot) {
        return snapshot.memoryFile()
                .<GuestMemory>map(GuestMemory.PrivateFile::new)
                .orElseGet(GuestMemory.Anonymous::new);
    }

    /** Reads a snapshot directory's metadata and checks its files. */
    public Snapshot loadSnapshot(Path directory) {
        return SnapshotStore.read(directory);
    }

    /** Deletes a snapshot or template directory. */
    public void deleteSnapshot(Path directory) {
        SnapshotStore.delete(directory);
    }

    private void requireSameAccelerator(Snapshot s) {
        if (s.accelerator() != vmm.accelerator()) {
            throw new VmException("snapshot " + s.directory() + " was taken under " + s.accelerator()
                    + " but this runtime runs " + vmm.accelerator());
        }
    }

    private Instance register(String id, VmSpec spec) {
        validId(id);
        spec.boot().checkFilesExist();
        Instance instance = new Instance(id, this, spec);
        synchronized (instances) {
            // A volume is one live guest's: a second mount of its ext4 disk would corrupt it. A
            // snapshotted instance still holds its volumes (its guest has them mounted).
            for (Volume v : spec.boot().volumes()) {
                for (Instance other : instances.values()) {
                    if (other.spec().boot().volumes().stream().anyMatch(o -> sameFile(o.file(), v.file()))) {
                        throw new VmException("volume " + v.name() + " is attached to instance " + other.id());
                    }
                }
            }
            if (instances.putIfAbsent(id, instance) != null) {
                throw new VmException("instance " + id + " already exists");
            }
        }
        return instance;
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static String validId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "invalid instance id '" + id + "': use 1-40 of a-z, 0-9 and '-', starting with a letter or digit");
        }
        return id;
    }

    /** Live instances (an instance is dropped the moment it stops or fails). */
    public Collection<Instance> instances() {
        return List.copyOf(instances.values());
    }

    /** Called by an instance that reached a terminal state. */
    void forget(Instance instance) {
        instances.remove(instance.id(), instance);
    }

    /** Subscribes to every instance's state changes. Listeners run on the changing thread: keep them quick. */
    public void onEvent(Consumer<InstanceEvent> listener) {
        listeners.add(listener);
    }

    /** Subscribes to every console line of every instance: (instance id, line). Runs on the console reader. */
    public void onConsole(BiConsumer<String, String> listener) {
        onConsoleLine(l -> listener.accept(l.instanceId(), l.text()));
    }

    /**
     * Subscribes to every console line of every instance with its stream (the app's stdout or
     * stderr, or the kernel) and the host's receive time. Runs on the console reader: keep it quick.
     */
    public void onConsoleLine(Consumer<ConsoleLine> listener) {
        consoleListeners.add(listener);
    }

    /** Stops every instance this runtime started. */
    @Override
    public void close() {
        List<Instance> all = new ArrayList<>(instances.values());
        all.parallelStream().forEach(i -> {
            try {
                i.stop();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + i.id() + ": " + e.getMessage());
            }
        });
        instances.clear();
        pool.close();
        network.close();
        if (jailer != null) {
            jailer.close();
        }
        SnapshotStore.delete(ownRunDirectory.resolve(".jail"));
        try {
            Files.deleteIfExists(ownRunDirectory);
        } catch (IOException ignored) {
            // Not empty only if a VM dir could not be removed; the next start's sweep takes it.
        }
    }

    // ---- for Instance ---------------------------------------------------------------------

    RuntimeConfig config() {
        return config;
    }

    Vmm vmm() {
        return vmm;
    }

    Networking network() {
        return network;
    }

    /** Gives {@code net} the egress policy of the instance it serves (a pooled VMM's was made with none). */
    void applyEgress(NetSlot net, String instanceId) {
        net.egress(egressOf.apply(instanceId));
    }

    Path instanceDirectory(String id) {
        return ownRunDirectory.resolve(id);
    }

    VmmPool pool() {
        return pool;
    }

    void publish(InstanceEvent event) {
        for (Consumer<InstanceEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event listener failed: " + e);
            }
        }
    }

    void publishConsole(String instanceId, GuestStream stream, String text) {
        if (consoleListeners.isEmpty()) {
            return;
        }
        ConsoleLine line = new ConsoleLine(instanceId, stream, text, Instant.now());
        for (Consumer<ConsoleLine> l : consoleListeners) {
            try {
                l.accept(line);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "console listener failed: " + e);
            }
        }
    }
}
