package dev.wisp.bench;

import dev.wisp.runtime.Snapshot;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The raw-QEMU side of every benchmark: the same guest started, restored, cloned or resumed by
 * QEMU driven by hand ({@link RawQemu}), timed from the start of the operation to the first HTTP
 * 200 straight from the VM's forwarded port.
 */
record RawBaseline(String accel, VmSpec spec, Path workDir) {
    static final long ANSWER_TIMEOUT_NANOS = 120_000_000_000L;

    /** A cold boot to first answer. */
    long coldBoot() throws IOException {
        return coldBoot(new ColdBootSteps());
    }

    /** A cold boot to first answer, its steps noted in {@code steps}. */
    long coldBoot(ColdBootSteps steps) throws IOException {
        int port = freePort();
        long t0 = System.nanoTime();
        try (RawQemu raw = start(port, RawQemu.Memory.PLAIN, null, null)) {
            long elapsed = answered(port, t0);
            steps.raw(t0, raw.initNanos(), raw.initUptimeMillis(), t0 + elapsed);
            return elapsed;
        }
    }

    /**
     * Loads a standby snapshot into a new process the way its format needs: a booted VM's stream
     * carries all its RAM; a clone's carries only the pages that differ from its template's memory
     * file, which is mapped privately under it.
     */
    long restore(Snapshot snapshot) throws IOException {
        // A copy, taken before the clock starts: the node that made a standby snapshot deletes it
        // when it retires the instance (a second later in `bench wake`), which raw QEMU's start
        // could outlast on a busy host.
        Path stateFile = workDir.resolve("raw-restore-state.bin");
        Files.copy(snapshot.directory().resolve("state.bin"), stateFile, StandardCopyOption.REPLACE_EXISTING);
        int port = freePort();
        long t0 = System.nanoTime();
        try (RawQemu raw = snapshot.memoryFile().isPresent()
                ? start(
                        port,
                        RawQemu.Memory.TEMPLATE_FILE,
                        snapshot.memoryFile().get(),
                        stateFile)
                : start(port, RawQemu.Memory.RAM_OBJECT, null, stateFile)) {
            raw.loadAndCont();
            return answered(port, t0);
        }
    }

    /** Maps a template's memory file privately and loads its device state. */
    long cloneTemplate(Path memoryFile, Path stateFile) throws IOException {
        int port = freePort();
        long t0 = System.nanoTime();
        try (RawQemu raw = start(port, RawQemu.Memory.TEMPLATE_FILE, memoryFile, stateFile)) {
            raw.loadAndCont();
            return answered(port, t0);
        }
    }

    /** A raw VM booted once, to be paused ({@code stop}) and resumed ({@code cont}) again and again. */
    PausedVm resumer() throws IOException {
        int port = freePort();
        RawQemu raw = start(port, RawQemu.Memory.PLAIN, null, null);
        answered(port, System.nanoTime());
        return new PausedVm(raw::stop, raw::cont, raw.pid(), port, raw::close);
    }

    private RawQemu start(int port, RawQemu.Memory memory, Path memoryFile, Path state) throws IOException {
        return RawQemu.start(
                accel,
                spec.boot().kernel(),
                spec.boot().initrd(),
                spec.memoryMib(),
                port,
                spec.guestPort(),
                workDir,
                memory,
                memoryFile,
                state);
    }

    /** Nanoseconds from {@code t0} until the VM on {@code port} answers 200. */
    static long answered(int port, long t0) throws IOException {
        long t = HttpProbe.awaitOk(port, "/", t0 + ANSWER_TIMEOUT_NANOS);
        if (t < 0) {
            throw new IOException(
                    "no HTTP answer on port " + port + " within " + ANSWER_TIMEOUT_NANOS / 1_000_000_000L + " s");
        }
        return t - t0;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
