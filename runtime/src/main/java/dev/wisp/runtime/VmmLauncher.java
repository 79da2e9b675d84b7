package dev.wisp.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts VMM processes so that none outlives the platform: each runs under
 * {@code setpriv --pdeathsig KILL}, so the kernel kills it when its parent goes, kill -9 included.
 * The kernel counts the parent as the <em>thread</em> that spawned the child, so every VMM is
 * spawned from one platform thread that lives as long as the JVM: spawned from a virtual
 * thread's carrier or a pool worker, a VMM would die when that thread is retired.
 *
 * <p>Every {@link Vmm} driver spawns its VMM here, so what any VMM process needs from the
 * platform (tied to its life, a pid file for the start-up sweep, its exit noticed at once) is
 * done once, for all drivers.
 *
 * <p><b>Internal: used by the drivers, not an API for other modules.</b>
 */
public final class VmmLauncher {
    private static final System.Logger LOG = System.getLogger(VmmLauncher.class.getName());
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vmm-launcher");
        t.setDaemon(true);
        return t;
    });
    private static final String SETPRIV = find("setpriv");

    private VmmLauncher() {}

    /** Whether VMMs are tied to this JVM's life (false only on a host without setpriv). */
    static boolean tiedToPlatform() {
        return SETPRIV != null;
    }

    /**
     * Starts a VMM process: {@code command} run in {@code directory} (behind setpriv), its stderr
     * merged into its stdout, its pid written to {@code directory/vmm.pid} before anything else can
     * fail or wait, so that a platform killed at any moment from here on leaves a VMM that the next
     * start's sweep finds and kills.
     */
    public static Process start(List<String> command, Path directory) throws IOException {
        Process process = start(
                new ProcessBuilder(wrap(command)).directory(directory.toFile()).redirectErrorStream(true));
        try {
            PrivateFiles.writeString(directory.resolve(VmRuntime.PID_FILE), Long.toString(process.pid()));
        } catch (IOException e) {
            process.destroyForcibly();
            waitQuietly(process);
            throw e;
        }
        return process;
    }

    /**
     * Completes with the exit code once {@code process} has ended; not {@link Process#onExit()}
     * (see {@link ExitWatcher} for why). Take it once, when the VMM is up, and keep it: a process
     * that has ended and been reported is no longer watched.
     */
    public static CompletableFuture<Integer> exitOf(Process process) {
        return ExitWatcher.watch(process);
    }

    /** Waits up to 5 s for a killed process to be gone. */
    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command as it is run: behind setpriv when the host has it. */
    private static List<String> wrap(List<String> command) {
        if (SETPRIV == null) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        cmd.addAll(command);
        return cmd;
    }

    /** Starts {@code builder} (its command already {@link #wrap}ped) from the launcher thread. */
    private static Process start(ProcessBuilder builder) throws IOException {
        // submit(), not execute(): an exception stays in the Future and never retires the thread.
        Future<Process> f = SPAWNER.submit(() -> {
            try {
                return builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the VMM", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("could not start the VMM: " + e.getCause(), e.getCause());
        }
    }

    private static String find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "setpriv not found (util-linux): VMMs will outlive a killed platform"
                        + " until the next start sweeps them");
        return null;
    }
}
