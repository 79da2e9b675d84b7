package dev.wisp.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One {@code qemu-system-x86_64} process: its QMP connection and its console. */
final class QemuProcess implements VmHandle {
    private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(2);
    /** Bytes per second: far above what a local socket carries, so no throttling. */
    private static final long UNLIMITED_BANDWIDTH = 1L << 40;

    private final Process process;
    private final Console console;
    private final QmpClient qmp;
    private final Path directory;
    private final GuestMemory memory;
    private final CompletableFuture<Integer> exited;

    private QemuProcess(Process process, Console console, QmpClient qmp, Path directory, GuestMemory memory) {
        this.process = process;
        this.console = console;
        this.qmp = qmp;
        this.directory = directory;
        this.memory = memory;
        this.exited = ExitWatcher.watch(process);
    }

    static QemuProcess start(List<String> command, Vmm.Launch launch) throws IOException {
        Path qmpSocket = launch.directory().resolve("qmp.sock");
        // Tied to the platform's life (VmmLauncher): a killed platform leaves no VMM running.
        Process process = VmmLauncher.start(new ProcessBuilder(VmmLauncher.wrap(command))
                .directory(launch.directory().toFile())
                .redirectErrorStream(true));
        // Written before anything can fail or wait, so a runtime killed at any moment from here
        // on leaves a VMM that the next runtime's sweep finds and kills.
        try {
            PrivateFiles.writeString(launch.directory().resolve(VmRuntime.PID_FILE), Long.toString(process.pid()));
        } catch (IOException e) {
            process.destroyForcibly();
            waitQuietly(process);
            throw e;
        }
        Console console = new Console(process.getInputStream(), process.getOutputStream(),
                launch.markers(), launch.lines());
        QmpClient qmp;
        try {
            qmp = QmpClient.connect(qmpSocket, Duration.ofSeconds(10), process::isAlive);
        } catch (IOException e) {
            process.destroyForcibly();
            waitQuietly(process);
            throw new VmException("VMM did not start: " + lastLine(console, e.getMessage()), e);
        }
        return new QemuProcess(process, console, qmp, launch.directory(), launch.memory());
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
        qmp.execute("cont");
    }

    @Override
    public SnapshotFiles saveState(Path stateFile) throws IOException {
        // With the capability on, RAM in a shared file stays out of the stream; a private file's
        // RAM is still sent (shrunk below), in the format its restore onto that file expects.
        setIgnoreShared(memory.loadsFromFile());
        // The default cap (128 MiB/s) is for live migration over a network; this VM stands still.
        qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", UNLIMITED_BANDWIDTH));
        Path socket = directory.resolve("migrate-out.sock");
        CompletableFuture<MigrationStream.Copied> received = MigrationStream.receiveInto(socket, stateFile);
        qmp.execute("migrate", Map.of("uri", "unix:" + socket));
        MigrationStream.Copied copied = await(received, "snapshot stream");
        String status = waitForMigration();
        if (!"completed".equals(status)) {
            throw new IOException("snapshot failed: migration " + status);
        }
        SnapshotFiles full = new SnapshotFiles(copied.bytes(), copied.crc32c());
        if (memory instanceof GuestMemory.PrivateFile p) {
            return RamDelta.shrink(stateFile, p.file(), GuestMemory.BACKEND_ID, true, full);
        }
        return full;
    }

    /** A stream saved without RAM (its RAM is a file this process maps) is read with the same capability. */
    @Override
    public void loadState(Path stateFile, SnapshotFiles expected) throws IOException {
        setIgnoreShared(memory.loadsFromFile());
        Path socket = directory.resolve("migrate-in.sock");
        qmp.execute("migrate-incoming", Map.of("uri", "unix:" + socket));
        MigrationStream.Copied sent = MigrationStream.sendFrom(stateFile, socket);
        String status = waitForMigration();
        if (sent.bytes() != expected.stateBytes() || sent.crc32c() != expected.stateCrc32c()) {
            throw new IOException("snapshot is corrupt: " + stateFile.getFileName() + " has " + sent.bytes()
                    + " bytes, crc32c " + Long.toHexString(sent.crc32c()) + "; expected " + expected.stateBytes()
                    + " bytes, crc32c " + Long.toHexString(expected.stateCrc32c()));
        }
        if (!"completed".equals(status)) {
            throw new IOException("snapshot could not be loaded: migration " + status
                    + " (" + lastLine(console, "no console output") + ")");
        }
    }

    private void setIgnoreShared(boolean on) throws IOException {
        qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "x-ignore-shared", "state", on))));
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

    /** Tests: the console object itself, to see it is freed once the VM is gone. */
    Console console() {
        return console;
    }

    @Override
    public void attach(java.util.function.Consumer<ConsoleMarker> markers, java.util.function.Consumer<String> lines) {
        console.attach(markers, lines);
    }

    @Override
    public void typeIntoConsole(String line) throws IOException {
        console.type(line);
    }

    @Override
    public List<String> consoleTail() {
        return console.tail();
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
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        waitQuietly(process);
        qmp.close();
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
        return process.pid();
    }
}
