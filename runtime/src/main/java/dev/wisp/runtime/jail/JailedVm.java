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

/**
 * One VMM's jail: its uid, its cgroup, its directory as its root (see {@link Jailer}, which also
 * keeps its release to once).
 *
 * @param name the name the VMM was started under (an instance id, or {@code pool-N})
 * @param cgroup the cgroup path under Wisp's root (tests and metrics read its files)
 */
record JailedVm(
        Jailer jailer,
        String name,
        int uid,
        String cgroup,
        JailDirectory jailDirectory,
        VmSpec hostSpec,
        GuestMemory hostMemory,
        long memoryLimitMib,
        NetSlot net)
        implements VmmJail {
    static final String CHILD_PID_FILE = "vmm-child.pid";

    @Override
    public String binary() {
        return jailer.binaryInJail();
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
        List<String> cmd = new ArrayList<>(jailer.helperCommand(cgroup));
        cmd.addAll(List.of("--root", jailDirectory.root().toString()));
        cmd.addAll(List.of("--uid", Integer.toString(uid), "--gid", Integer.toString(uid)));
        // The only file a VMM writes is a template's RAM file: no bigger than the guest's RAM.
        // Room for the RAM file, and for writes anywhere in the largest volume (the limit is on offsets).
        long largestVolume = hostSpec.boot().volumes().stream()
                .mapToLong(v -> v.file().toFile().length())
                .max()
                .orElse(0);
        cmd.addAll(List.of("--fsize", Long.toString(Math.max((hostSpec.memoryMib() + 1L) << 20, largestVolume))));
        cmd.addAll(List.of("--hostname", jailDirectory.root().getFileName().toString()));
        cmd.addAll(List.of(
                "--pidfile", jailDirectory.root().resolve(CHILD_PID_FILE).toString()));
        net.namespace().ifPresent(ns -> {
            cmd.addAll(List.of("--netns", "/run/netns/" + ns));
            cmd.addAll(List.of("--tap", NetSlot.TAP));
        });
        for (String bind : jailDirectory.binds()) {
            cmd.addAll(List.of("--bind", bind));
        }
        cmd.add("--");
        cmd.addAll(vmmCommand);
        return cmd;
    }

    @Override
    public long vmmPid(long startedPid) {
        try {
            return Long.parseLong(Files.readString(jailDirectory.root().resolve(CHILD_PID_FILE))
                    .strip());
        } catch (IOException | NumberFormatException e) {
            return startedPid;
        }
    }

    @Override
    public Optional<String> deathCause() {
        if (jailer.oomKills(cgroup) == 0) {
            return Optional.empty();
        }
        return Optional.of("out of memory: the VMM went over its memory limit of " + memoryLimitMib + " MiB (guest "
                + hostSpec.memoryMib() + " MiB + VMM overhead " + (memoryLimitMib - hostSpec.memoryMib())
                + " MiB) and the kernel killed it");
    }

    @Override
    public void release() {
        jailer.release(this);
    }
}
