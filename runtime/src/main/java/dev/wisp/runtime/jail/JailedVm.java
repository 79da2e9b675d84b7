package dev.wisp.runtime.jail;

import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.GuestMemory;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.net.NetSlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** One VMM's jail: its uid, its cgroup, its directory as its root (see {@link Jailer}). */
final class JailedVm implements VmmJail {
    static final String CHILD_PID_FILE = "vmm-child.pid";

    private final Jailer jailer;
    private final int uid;
    private final String cgroup;
    private final JailDirectory directory;
    private final VmSpec hostSpec;
    private final GuestMemory hostMemory;
    private final long memoryLimitMib;
    private final NetSlot net;
    private final AtomicBoolean released = new AtomicBoolean();

    JailedVm(
            Jailer jailer,
            int uid,
            String cgroup,
            JailDirectory directory,
            VmSpec hostSpec,
            GuestMemory hostMemory,
            long memoryLimitMib,
            NetSlot net) {
        this.jailer = jailer;
        this.uid = uid;
        this.cgroup = cgroup;
        this.directory = directory;
        this.hostSpec = hostSpec;
        this.hostMemory = hostMemory;
        this.memoryLimitMib = memoryLimitMib;
        this.net = net;
    }

    int uid() {
        return uid;
    }

    @Override
    public String binary() {
        return jailer.image().binaryInJail();
    }

    @Override
    public VmSpec spec() {
        BootSource b = hostSpec.boot();
        BootSource inJail = new BootSource(
                Path.of("/", JailDirectory.KERNEL),
                Path.of("/", JailDirectory.INITRD),
                b.disk().map(d -> Path.of("/", JailDirectory.DISK)),
                b.cmdline(),
                b.env(),
                java.util.stream.IntStream.range(0, b.layers().size())
                        .mapToObj(i -> Path.of("/", JailDirectory.layer(i)))
                        .toList(),
                JailDirectory.volumesInJail(b.volumes()));
        return new VmSpec(
                inJail,
                hostSpec.vcpus(),
                hostSpec.memoryMib(),
                hostSpec.guestPort(),
                hostSpec.readyTimeout(),
                hostSpec.tenant());
    }

    @Override
    public GuestMemory memory() {
        Path mem = Path.of("/", JailDirectory.MEMORY);
        return switch (hostMemory) {
            case GuestMemory.Anonymous a -> a;
            case GuestMemory.SharedFile s -> new GuestMemory.SharedFile(mem);
            case GuestMemory.PrivateFile p -> new GuestMemory.PrivateFile(mem);
        };
    }

    @Override
    public Path directory() {
        return Path.of("/");
    }

    @Override
    public List<String> wrap(List<String> vmmCommand) {
        JailConfig c = jailer.config();
        List<String> cmd = new ArrayList<>(List.of(jailer.helper().toString()));
        cmd.addAll(List.of("--root", directory.root().toString()));
        cmd.addAll(List.of("--uid", Integer.toString(uid), "--gid", Integer.toString(uid)));
        cmd.addAll(List.of("--group", Integer.toString(jailer.uids().sharedGroup())));
        for (Path d : jailer.cgroups().directories(cgroup)) {
            cmd.addAll(List.of("--cgroup", d.toString()));
        }
        cmd.addAll(List.of("--nofile", Integer.toString(c.openFiles())));
        // The only file a VMM writes is a template's RAM file: no bigger than the guest's RAM.
        // Room for the RAM file, and for writes anywhere in the largest volume (the limit is on offsets).
        long largestVolume = hostSpec.boot().volumes().stream()
                .mapToLong(v -> v.file().toFile().length())
                .max()
                .orElse(0);
        cmd.addAll(List.of("--fsize", Long.toString(Math.max((hostSpec.memoryMib() + 1L) << 20, largestVolume))));
        cmd.addAll(List.of("--hostname", directory.root().getFileName().toString()));
        cmd.addAll(List.of("--pidfile", directory.root().resolve(CHILD_PID_FILE).toString()));
        net.namespace().ifPresent(ns -> {
            cmd.addAll(List.of("--netns", "/run/netns/" + ns));
            cmd.addAll(List.of("--tap", NetSlot.TAP));
        });
        for (String bind : directory.binds()) {
            cmd.addAll(List.of("--bind", bind));
        }
        cmd.add("--");
        cmd.addAll(vmmCommand);
        return cmd;
    }

    @Override
    public long vmmPid(long startedPid) {
        try {
            return Long.parseLong(
                    Files.readString(directory.root().resolve(CHILD_PID_FILE)).strip());
        } catch (IOException | NumberFormatException e) {
            return startedPid;
        }
    }

    @Override
    public Optional<String> deathCause() {
        if (jailer.cgroups().oomKills(cgroup) == 0) {
            return Optional.empty();
        }
        return Optional.of("out of memory: the VMM went over its memory limit of " + memoryLimitMib + " MiB (guest "
                + hostSpec.memoryMib() + " MiB + VMM overhead " + (memoryLimitMib - hostSpec.memoryMib())
                + " MiB) and the kernel killed it");
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            jailer.cgroups().remove(cgroup);
            jailer.released(cgroup);
            jailer.uids().release(uid);
        }
    }

    /** The cgroup path under Wisp's root (tests and metrics read its files). */
    String cgroup() {
        return cgroup;
    }
}
