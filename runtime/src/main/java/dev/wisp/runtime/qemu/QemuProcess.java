package dev.wisp.runtime.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.runtime.Console;
import dev.wisp.runtime.GuestMemory;
import dev.wisp.runtime.SnapshotFiles;
import dev.wisp.runtime.VmException;
import dev.wisp.runtime.VmHandle;
import dev.wisp.runtime.Vmm;
import dev.wisp.runtime.VmmLauncher;
import dev.wisp.runtime.jail.VmmJail;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One {@code qemu-system-x86_64} process: its QMP connection, with its console connected. */
final class QemuProcess implements VmHandle {
    private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(2);
    /** Bytes per second: far above what a local socket carries, so no throttling. */
    private static final long UNLIMITED_BANDWIDTH = 1L << 40;

    private static final String MIGRATE_OUT = "migrate-out.sock";
    private static final String MIGRATE_IN = "migrate-in.sock";

    private final Process process;
    private final Console console;
    private final QmpClient qmp;
    private final Path directory;
    private final GuestMemory memory;
    private final VmmJail jail;
    private final CompletableFuture<Integer> exited;
    /** Whether {@link #settled} drops TCG's code (Wisp's build, under TCG: {@link TcgCache#flushWhenSettled}). */
    private final boolean flushWhenSettled;
    /** Whether the capabilities for a load are set and QEMU listens for the stream ({@link #prepareLoad}). */
    private boolean incomingReady;

    private QemuProcess(
            Process process,
            Console console,
            QmpClient qmp,
            Path directory,
            GuestMemory memory,
            VmmJail jail,
            boolean flushWhenSettled) {
        this.process = process;
        this.flushWhenSettled = flushWhenSettled;
        this.console = console;
        this.qmp = qmp;
        this.directory = directory;
        this.memory = memory;
        this.jail = jail;
        this.exited = VmmLauncher.exitOf(process);
    }

    /**
     * Starts {@code command} (already wrapped by {@code jail}) for {@code launch}; {@code flushWhenSettled}:
     * the VMM has Wisp's {@code tcg-flush} and {@link #settled} uses it.
     */
    static QemuProcess start(List<String> command, Vmm.Launch launch, VmmJail jail, boolean flushWhenSettled)
            throws IOException {
        Path qmpSocket = launch.directory().resolve(QemuCommandLine.QMP_SOCKET);
        // Tied to the platform's life, pid file written (VmmLauncher): a killed platform leaves no VMM running.
        Process process = VmmLauncher.start(command, launch.directory());
        Console console = launch.console();
        console.connect(process.getInputStream(), process.getOutputStream());
        QmpClient qmp;
        try {
            qmp = QmpClient.connect(qmpSocket, Duration.ofSeconds(10), process::isAlive);
        } catch (IOException e) {
            process.destroyForcibly();
            waitQuietly(process);
            throw new VmException("VMM did not start: " + lastLine(console, e.getMessage()), e);
        }
        return new QemuProcess(process, console, qmp, launch.directory(), launch.memory(), jail, flushWhenSettled);
    }

    private static String lastLine(Console console, String fallback) {
        List<String> tail = console.tail();
        for (int i = tail.size() - 1; i >= 0; i--) {
            if (!tail.get(i).isBlank()) {
                return tail.get(i).strip();
            }
        }
        return fallback;
    }

    @Override
    public void pause() throws IOException {
        qmp.execute("stop");
    }

    @Override
    public void resume() throws IOException {
        qmp.complete("cont");
    }

    @Override
    public void resumeSoon() throws IOException {
        qmp.send("cont");
    }

    /**
     * Drops the code TCG translated up to now (Wisp's HMP {@code tcg-flush}; the flush gives its pages
     * back): what a restore and re-identify ran, ~4 MiB (docs/vmm.md, "Toward 10 MiB").
     */
    @Override
    public void settled() {
        if (!flushWhenSettled) {
            return;
        }
        try {
            qmp.execute("human-monitor-command", Map.of("command-line", "tcg-flush"));
        } catch (IOException e) {
            // Memory only: the VM runs on with its code; a QMP that stays broken fails the next call.
        }
    }

    @Override
    public SnapshotFiles saveState(Path stateFile) throws IOException {
        // With the capability on, RAM in a shared file stays out of the stream; a private file's
        // RAM is still sent (shrunk below), in the format its restore onto that file expects.
        setIgnoreShared(memory.loadsFromFile());
        // The default cap (128 MiB/s) is for live migration over a network; this VM stands still.
        qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", UNLIMITED_BANDWIDTH));
        Path socket = directory.resolve(MIGRATE_OUT);
        CompletableFuture<MigrationStream.Copied> received = MigrationStream.receiveInto(socket, stateFile);
        qmp.execute("migrate", Map.of("uri", "unix:" + jail.directory().resolve(MIGRATE_OUT)));
        MigrationStream.Copied copied = await(received, "snapshot stream");
        String status = waitForMigration();
        if (!"completed".equals(status)) {
            throw new IOException("snapshot failed: migration " + status);
        }
        SnapshotFiles full = new SnapshotFiles(copied.bytes(), copied.crc32c());
        if (memory instanceof GuestMemory.PrivateFile p) {
            return RamDelta.shrink(stateFile, p.file(), QemuCommandLine.MEMORY_BACKEND_ID, true, full);
        }
        return full;
    }

    /**
     * A stream saved without RAM (its RAM is a file this process maps) is read with the same
     * capability; both it and the listening socket are set here, ahead of any load.
     */
    @Override
    public synchronized void prepareLoad() throws IOException {
        if (!incomingReady) {
            setIgnoreShared(memory.loadsFromFile());
            qmp.execute(
                    "migrate-incoming", Map.of("uri", "unix:" + jail.directory().resolve(MIGRATE_IN)));
            incomingReady = true;
        }
    }

    @Override
    public long loadState(Path stateFile, SnapshotFiles expected) throws IOException {
        prepareLoad(); // a pooled VMM did it while it waited: two QMP round trips off the wake
        MigrationStream.Copied sent = MigrationStream.sendFrom(stateFile, directory.resolve(MIGRATE_IN));
        long streamed = System.nanoTime();
        // Checked before the load ends: a stream saved without QEMU's global state starts the vCPUs
        // at its end, and a corrupt one must not run.
        if (sent.bytes() != expected.stateBytes() || sent.crc32c() != expected.stateCrc32c()) {
            throw new IOException("snapshot is corrupt: " + stateFile.getFileName() + " has " + sent.bytes()
                    + " bytes, crc32c " + Long.toHexString(sent.crc32c()) + "; expected " + expected.stateBytes()
                    + " bytes, crc32c " + Long.toHexString(expected.stateCrc32c()));
        }
        String status = waitForMigration();
        if (!"completed".equals(status)) {
            throw new IOException("snapshot could not be loaded: migration " + status + " ("
                    + lastLine(console, "no console output") + ")");
        }
        return streamed;
    }

    private void setIgnoreShared(boolean on) throws IOException {
        qmp.execute(
                "migrate-set-capabilities",
                Map.of("capabilities", List.of(Map.of("capability", "x-ignore-shared", "state", on))));
    }

    /** Polls until the migration has finished; a 1 ms poll costs less than subscribing to events. */
    private String waitForMigration() throws IOException {
        long deadline = System.nanoTime() + MIGRATION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode info = qmp.execute("query-migrate");
            String status = info.path("status").asText("none");
            switch (status) {
                case "completed", "failed", "cancelled" -> {
                    return status;
                }
                default -> sleepMillis(1);
            }
            if (!process.isAlive()) {
                return "failed (VMM exited)";
            }
        }
        return "timed out after " + MIGRATION_TIMEOUT.toSeconds() + " s";
    }

    private static <T> T await(CompletableFuture<T> f, String what) throws IOException {
        try {
            return f.get(MIGRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + what, e);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(what + " timed out");
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop(Duration grace) {
        if (process.isAlive()) {
            try {
                qmp.execute("quit");
            } catch (IOException e) {
                // Already on its way out, or wedged: the kill below settles it.
            }
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
        qmp.close();
        if (!process.isAlive()) {
            jail.release();
        }
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        waitQuietly(process);
        qmp.close();
        jail.release();
    }

    @Override
    public Optional<String> deathCause() {
        return jail.deathCause();
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public CompletableFuture<Integer> exited() {
        return exited;
    }

    @Override
    public long pid() {
        return jail.vmmPid(process.pid());
    }
}
