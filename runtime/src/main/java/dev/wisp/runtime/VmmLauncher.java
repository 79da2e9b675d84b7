package dev.wisp.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 */
final class VmmLauncher {
    private static final System.Logger LOG = System.getLogger(VmmLauncher.class.getName());
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vmm-launcher");
        t.setDaemon(true);
        return t;
    });
    private static final String SETPRIV = find("setpriv");

    private VmmLauncher() {
    }

    /** Whether VMMs are tied to this JVM's life (false only on a host without setpriv). */
    static boolean tiedToPlatform() {
        return SETPRIV != null;
    }

    /** The command as it is run: behind setpriv when the host has it. */
    static List<String> wrap(List<String> command) {
        if (SETPRIV == null) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        cmd.addAll(command);
        return cmd;
    }

    /** Starts {@code builder} (its command already {@link #wrap}ped) from the launcher thread. */
    static Process start(ProcessBuilder builder) throws IOException {
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
        LOG.log(System.Logger.Level.WARNING, "setpriv not found (util-linux): VMMs will outlive a killed platform"
                + " until the next start sweeps them");
        return null;
    }
}
