package dev.wisp.runtime.jail;

import dev.wisp.runtime.GuestMemory;
import dev.wisp.runtime.VmSpec;
import dev.wisp.runtime.net.NetSlot;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one VMM process runs inside: how its command line names its files, how it is started,
 * what it left when it died. {@link #none} runs it as the platform's user with host paths.
 *
 * <p><b>Internal: used by the drivers, not an API for other modules.</b>
 */
public interface VmmJail {
    /** The VMM binary as the command line names it. */
    String binary();

    /** The spec with its boot files named as the VMM sees them. */
    VmSpec spec();

    /** Where guest RAM lives, named as the VMM sees it. */
    GuestMemory memory();

    /** The VM's directory (control sockets) as the VMM sees it. */
    Path directory();

    /** The command that runs {@code vmmCommand} in this jail. */
    List<String> wrap(List<String> vmmCommand);

    /** The VMM's own pid, given the pid of the process the platform started. */
    long vmmPid(long startedPid);

    /** Why the VMM died, if the jail knows better than its exit code (its memory limit). */
    Optional<String> deathCause();

    /** Frees what the jail holds (cgroup, uid); the VMM must be gone. Idempotent. */
    void release();

    /** No jail: host paths, the platform's user, no limits; on TAP, run in the slot's namespace. */
    static VmmJail none(String binary, VmSpec spec, GuestMemory memory, Path directory, NetSlot net) {
        return new VmmJail() {
            @Override
            public String binary() {
                return binary;
            }

            @Override
            public VmSpec spec() {
                return spec;
            }

            @Override
            public GuestMemory memory() {
                return memory;
            }

            @Override
            public Path directory() {
                return directory;
            }

            @Override
            public List<String> wrap(List<String> vmmCommand) {
                if (net.namespace().isEmpty()) {
                    return vmmCommand;
                }
                // Root without a jail: QEMU opens the TAP itself, in the slot's namespace.
                List<String> cmd = new java.util.ArrayList<>(
                        List.of("ip", "netns", "exec", net.namespace().get()));
                cmd.addAll(vmmCommand);
                return cmd;
            }

            @Override
            public long vmmPid(long startedPid) {
                return startedPid;
            }

            @Override
            public Optional<String> deathCause() {
                return Optional.empty();
            }

            @Override
            public void release() {}
        };
    }
}
