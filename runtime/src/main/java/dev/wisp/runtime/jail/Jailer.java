package dev.wisp.runtime.jail;

import dev.wisp.runtime.Accelerator;
import dev.wisp.runtime.GuestMemory;
import dev.wisp.runtime.VmException;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Jails every VMM the way Firecracker's jailer does (docs: README, Security). Per VMM: a uid and
 * gid of its own from the configured range (plus one group all VMMs share), no capabilities,
 * {@code no_new_privs}; its own mount, pid, ipc and uts namespaces, its run directory as its root
 * holding only its files (the VMM binary, its libraries and firmware read-only, kernel, initrd and
 * disk read-only, its RAM file and sockets); rlimits on open files and file size; a cgroup
 * limiting CPU to its vCPUs, memory to guest RAM plus the VMM's overhead, and pids; under a
 * parent cgroup per tenant carrying the tenant's quota. QEMU's own seccomp sandbox stays on.
 *
 * <p><b>Internal: used by the runtime and its drivers, not an API for other modules.</b>
 */
public final class Jailer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Jailer.class.getName());
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final JailConfig config;
    private final Path helper;
    private final VmmImage image;
    private final Cgroups cgroups;
    private final UidPool uids;
    private final String owner;
    /** Limits set on each tenant's cgroup so far (NONE: made without a quota). */
    private final Map<String, CgroupLimits> tenantLimits = new HashMap<>();
    /** Each jailed VMM not yet released, by the name it was started under. */
    private final Map<String, JailedVm> live = new ConcurrentHashMap<>();

    private Jailer(JailConfig config, Path helper, VmmImage image, Cgroups cgroups) {
        this.config = config;
        this.helper = helper;
        this.image = image;
        this.cgroups = cgroups;
        this.uids = new UidPool(config.uidBase(), config.uidCount());
        this.owner = Long.toString(ProcessHandle.current().pid());
    }

    /**
     * Readies jailing for a platform whose VMs run under {@code ownRunDirectory}: compiles the
     * helper, lays out the VMM image, finds the cgroup hierarchy and sweeps cgroups of platforms
     * that are gone. Fails with one line when this host cannot jail (not root, no cgroups).
     */
    public static Jailer open(JailConfig config, Path ownRunDirectory, String vmmBinary) {
        if (!Privileges.isRoot()) {
            throw new VmException("cannot jail VMMs: not running as root (a jail needs root to switch uids,"
                    + " mount and make cgroups); run as root, or without the jail (--no-jail)");
        }
        Cgroups cgroups = Cgroups.detect()
                .orElseThrow(() -> new VmException("cannot limit VMMs: neither cgroup v2 with cpu, memory and pids"
                        + " enabled nor cgroup v1 cpu, memory and pids controllers under /sys/fs/cgroup;"
                        + " mount them, or run without the jail (--no-jail)"));
        cgroups.sweep(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        Path base = ownRunDirectory.resolve(".jail");
        try {
            Files.createDirectories(base);
            VmmImage image = VmmImage.build(vmmBinary, base.resolve("vmm"));
            Path helper = JailHelper.install(base.resolve("wisp-jail"));
            Jailer j = new Jailer(config, helper, image, cgroups);
            LOG.log(
                    System.Logger.Level.INFO,
                    "VMMs jailed: uids {0}..{1}, {2}",
                    Integer.toString(config.uidBase() + 1),
                    Integer.toString(config.uidBase() + config.uidCount()),
                    cgroups.describe());
            return j;
        } catch (IOException e) {
            throw new VmException("cannot prepare the VMM jail under " + base + ": " + e.getMessage(), e);
        }
    }

    /** For {@code wisp setup}: which cgroup hierarchy limits VMMs here, or why none does. */
    public static String describeHost() {
        return Cgroups.detect()
                .map(Cgroups::describe)
                .orElse("no usable cgroups (need v2 with cpu, memory, pids enabled, or v1 cpu, memory, pids)");
    }

    /**
     * Sets a tenant's quota on its parent cgroup, which every VMM of the tenant's sits under: CPU
     * time of {@code vcpus} CPUs; memory of {@code memoryMib} (its guests' RAM) plus the VMM overhead
     * of {@code instances} VMMs, so that a tenant using its whole quota is not stopped by its VMMs'
     * own needs; {@code instances} times the pids of one VMM. Rewrites the files only when the
     * quota changed.
     *
     * @throws VmException when the kernel refuses a value (cgroup v1 refuses a tenant CPU quota
     *                     below one of its running VMs' and a memory limit below what it uses)
     */
    public void limitTenant(String tenant, int vcpus, long memoryMib, int instances) {
        if (vcpus < 1 || memoryMib < 1 || instances < 1) {
            throw new IllegalArgumentException("a tenant quota needs at least 1 vCPU, 1 MiB and 1 instance, got "
                    + vcpus + ", " + memoryMib + ", " + instances);
        }
        long memory = (memoryMib + (long) instances * config.memoryOverheadMib()) << 20;
        CgroupLimits limits = new CgroupLimits(vcpus, memory, (long) instances * config.pidsMax());
        String t = validTenant(tenant);
        synchronized (tenantLimits) {
            if (limits.equals(tenantLimits.get(t))) {
                return;
            }
            try {
                cgroups.create(tenantPath(t), limits);
            } catch (IOException e) {
                throw new VmException("cannot set the quota of tenant " + t + ": " + e.getMessage(), e);
            }
            tenantLimits.put(t, limits);
        }
    }

    /** The directories of a tenant's cgroup (tests read its limits). */
    public List<Path> tenantCgroupDirectories(String tenant) {
        return cgroups.directories(tenantPath(validTenant(tenant)));
    }

    /**
     * Jails one VMM: takes a uid, makes its cgroup, readies {@code directory} as its root; on TAP the
     * VMM runs in its slot's network namespace with the TAP handed to it open. The
     * returned jail wraps the VMM's command line; release it when the VMM is gone.
     */
    public VmmJail enter(
            String name,
            Path directory,
            VmSpec spec,
            GuestMemory memory,
            Accelerator accel,
            dev.wisp.runtime.net.NetSlot net) {
        int uid = uids.acquire();
        String tenant = validTenant(spec.tenant());
        String cgroup = tenantPath(tenant) + "/" + name;
        long limitMib = spec.memoryMib() + (long) config.memoryOverheadMib();
        try {
            synchronized (tenantLimits) {
                // A tenant nobody set a quota for gets a group without limits of its own.
                if (tenantLimits.putIfAbsent(tenant, CgroupLimits.NONE) == null) {
                    cgroups.create(tenantPath(tenant), CgroupLimits.NONE);
                }
            }
            cgroups.create(cgroup, new CgroupLimits(spec.vcpus(), limitMib << 20, config.pidsMax()));
            JailDirectory dir = JailDirectory.prepare(
                    directory, uid, uids.sharedGroup(), image, spec, memory, accel == Accelerator.KVM);
            JailedVm jail = new JailedVm(this, name, uid, cgroup, dir, spec, memory, limitMib, net);
            live.put(name, jail);
            return jail;
        } catch (IOException | RuntimeException e) {
            cgroups.remove(cgroup);
            uids.release(uid);
            throw new VmException("cannot jail VMM " + name + ": " + e.getMessage(), e);
        }
    }

    /** For users: the uid range and the cgroup hierarchy. */
    public String describe() {
        return "jailed (uids " + (config.uidBase() + 1) + ".." + (config.uidBase() + config.uidCount()) + ", "
                + cgroups.describe() + ")";
    }

    /**
     * The directories of a jailed VMM's cgroup, by the name it was started under (an instance id;
     * {@code pool-N} for one a pool started); empty once it is released. Tests read its limits.
     */
    public List<Path> cgroupDirectories(String name) {
        JailedVm jail = live.get(name);
        return jail == null ? List.of() : cgroups.directories(jail.cgroup());
    }

    /**
     * Frees a jail's cgroup and uid, once: a jail no longer live was released before. A jail equals
     * only itself (each has a directory of its own), so a later jail of the same name is left alone.
     */
    void release(JailedVm jail) {
        if (live.remove(jail.name(), jail)) {
            cgroups.remove(jail.cgroup());
            uids.release(jail.uid());
        }
    }

    /** Removes this platform's cgroups (its VMMs must be gone). */
    @Override
    public void close() {
        cgroups.removeTree(owner);
    }

    private String tenantPath(String tenant) {
        return owner + "/" + tenant;
    }

    private static String validTenant(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new VmException("invalid tenant name for a cgroup: '" + tenant + "'");
        }
        return tenant;
    }

    /** The jail helper's command with what every jail shares: the group, the cgroup, the open-file limit. */
    List<String> helperCommand(String cgroup) {
        List<String> cmd = new ArrayList<>(List.of(helper.toString()));
        cmd.addAll(List.of("--group", Integer.toString(uids.sharedGroup())));
        for (Path d : cgroups.directories(cgroup)) {
            cmd.addAll(List.of("--cgroup", d.toString()));
        }
        cmd.addAll(List.of("--nofile", Integer.toString(config.openFiles())));
        return cmd;
    }

    /** How often the kernel killed a process of the cgroup for going over its memory limit. */
    long oomKills(String cgroup) {
        return cgroups.oomKills(cgroup);
    }

    /** The VMM binary as a jailed command line names it. */
    String binaryInJail() {
        return image.binaryInJail();
    }
}
