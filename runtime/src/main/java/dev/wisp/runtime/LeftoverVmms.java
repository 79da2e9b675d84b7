package dev.wisp.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a platform that died without cleaning up left in the run directory: its VMMs (killed, if
 * their command line still names the VM) and their directories. Runs when a runtime starts.
 */
final class LeftoverVmms {
    private static final System.Logger LOG = System.getLogger(LeftoverVmms.class.getName());

    private LeftoverVmms() {}

    /** Kills VMMs of runtimes that died without cleaning up, and removes their directories. */
    static void sweep(Path runDirectory) throws IOException {
        if (!Files.isDirectory(runDirectory)) {
            return;
        }
        try (Stream<Path> owners = Files.list(runDirectory)) {
            for (Path owner : owners.toList()) {
                String name = owner.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                if (ProcessHandle.of(Long.parseLong(name))
                        .map(ProcessHandle::isAlive)
                        .orElse(false)) {
                    continue;
                }
                try (Stream<Path> vms = Files.list(owner)) {
                    for (Path vm : vms.toList()) {
                        killLeftover(vm);
                    }
                    SnapshotStore.delete(owner);
                } catch (NoSuchFileException e) {
                    // Another runtime's sweep removed it first: what we came to do is done.
                } catch (VmException e) {
                    if (!(e.getCause() instanceof NoSuchFileException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static void killLeftover(Path vmDir) {
        Path pidFile = vmDir.resolve(VmRuntime.PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            String marker = "wisp-" + vmDir.getFileName();
            ProcessHandle.of(pid)
                    .filter(p ->
                            p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                    .ifPresent(p -> {
                        LOG.log(System.Logger.Level.INFO, "killing leftover VMM " + pid + " (" + marker + ")");
                        p.destroyForcibly();
                    });
        } catch (IOException | NumberFormatException e) {
            // Unreadable pid file: nothing we can safely kill.
        }
    }
}
