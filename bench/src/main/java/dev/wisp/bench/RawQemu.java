package dev.wisp.bench;

import dev.wisp.image.KernelBuilder;
import dev.wisp.runtime.BootSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: QEMU driven the way a person would by hand, with the command line from the
 * notes, the snapshot file copied into a Unix socket QEMU listens on (as Wisp streams it) and a
 * bare QMP socket to {@code cont}. No sandbox,
 * no checksums, no guest re-identification: everything Wisp adds is what the ratio measures.
 */
final class RawQemu implements AutoCloseable {
    /**
     * Baseline VMMs still running. Unlike Wisp's own VMMs they live outside the runtime's run
     * directory, so no sweep finds them: a bench stopped with Ctrl-C kills them on the way out.
     */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "wisp-raw-qemu-reaper"));
    }

    /** The same kernel parameters Wisp boots with, so the guest does the same work on both sides. */
    static final String CMDLINE = String.join(" ", BootSource.BASE_KERNEL_PARAMETERS);

    /** On Wisp's own kernel, its own parameters too, as the runtime gives them. */
    static final String WISP_CMDLINE = CMDLINE + " " + String.join(" ", BootSource.WISP_KERNEL_PARAMETERS);

    private static final String ENV_REQUEST = "@@wisp env";
    private static final String INIT_MARKER = "@@wisp init ";
    private static final String ENV_NONE = "@@wisp env-end\n";
    private final Process process;
    private final Path qmpSocket;
    private SocketChannel qmp;
    private BufferedReader qmpIn;
    private OutputStream qmpOut;

    private final boolean templateStream;
    private final Path incomingState;
    /** When the guest's init said it started (nanoTime, 0 not yet) and its uptime then in ms. */
    private volatile long initNanos;

    private volatile long initUptimeMillis = -1;

    private RawQemu(Process process, Path qmpSocket, boolean templateStream, Path incomingState) {
        this.process = process;
        this.qmpSocket = qmpSocket;
        this.templateStream = templateStream;
        this.incomingState = incomingState;
    }

    /** Where the guest's RAM comes from, as QEMU options. */
    enum Memory {
        PLAIN,
        RAM_OBJECT,
        TEMPLATE_FILE
    }

    static RawQemu start(
            String accel,
            Path kernel,
            Path initrd,
            int memoryMib,
            int hostPort,
            int guestPort,
            Path workDir,
            Memory memory,
            Path memoryFile,
            Path incomingState)
            throws IOException {
        Path sock = workDir.resolve("raw-qmp-" + hostPort + ".sock");
        Files.deleteIfExists(sock);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64"));
        // Wisp's kernel has no ACPI: the runtime starts it with acpi=off, and so must the baseline
        String acpi = KernelBuilder.isWispKernel(kernel) ? ",acpi=off" : "";
        switch (memory) {
            case PLAIN -> cmd.addAll(List.of("-M", "microvm" + acpi));
            case RAM_OBJECT ->
                cmd.addAll(List.of(
                        "-M",
                        "microvm,memory-backend=mem" + acpi,
                        "-object",
                        "memory-backend-ram,id=mem,size=" + memoryMib + "M"));
            case TEMPLATE_FILE ->
                cmd.addAll(List.of(
                        "-M",
                        "microvm,memory-backend=mem" + acpi,
                        "-object",
                        "memory-backend-file,id=mem,size=" + memoryMib + "M,mem-path=" + memoryFile + ",share=off"));
        }
        cmd.addAll(List.of(
                "-accel",
                accel,
                "-cpu",
                "tcg".equals(accel) ? "max" : "host",
                "-m",
                memoryMib + "M",
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-no-reboot",
                "-serial",
                "stdio",
                "-qmp",
                "unix:" + sock + ",server=on,wait=off",
                "-kernel",
                kernel.toString(),
                "-initrd",
                initrd.toString(),
                "-append",
                KernelBuilder.isWispKernel(kernel) ? WISP_CMDLINE : CMDLINE,
                "-netdev",
                "user,id=n0,hostfwd=tcp:127.0.0.1:" + hostPort + "-:" + guestPort,
                "-device",
                "virtio-net-device,netdev=n0"));
        if (incomingState != null) {
            // QEMU 7.2 has no -global for migration capabilities: a template's stream needs
            // x-ignore-shared set before loading, so the load starts from QMP.
            cmd.addAll(List.of("-incoming", "defer"));
            // Wisp's snapshots carry no run state (QEMU would start them at the load's end): raw
            // QEMU loads them paused and starts them with `cont`, its usual way, as before.
            cmd.add("-S");
        }
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        LIVE.add(p);
        RawQemu raw = new RawQemu(p, sock, memory == Memory.TEMPLATE_FILE, incomingState);
        raw.answerEnvRequest();
        return raw;
    }

    /** The VMM's pid, for {@link VmmSched}. */
    long pid() {
        return process.pid();
    }

    /**
     * Our guest's init asks for the app's environment on the console before it starts the app
     * (docs/guest-protocol.md): the baseline answers "none", as any host booting it must, and
     * drains the console on a thread of its own.
     */
    private void answerEnvRequest() {
        Process p = process;
        Thread.ofPlatform().daemon().name("raw-qemu-console").start(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(INIT_MARKER) && initNanos == 0) {
                        noteInit(line.substring(INIT_MARKER.length()).strip());
                    }
                    if (line.strip().equals(ENV_REQUEST)) {
                        p.getOutputStream().write(ENV_NONE.getBytes(StandardCharsets.UTF_8));
                        p.getOutputStream().flush();
                    }
                }
            } catch (IOException e) {
                // the VMM exited: its end is the caller's to notice
            }
        });
    }

    private void noteInit(String uptime) {
        try {
            initUptimeMillis = Long.parseLong(uptime);
            initNanos = System.nanoTime();
        } catch (NumberFormatException e) {
            // an init that says no uptime: no split of this boot
        }
    }

    /** When the guest's init said it started (nanoTime), 0 if it has not. */
    long initNanos() {
        return initNanos;
    }

    /** The guest's uptime in ms when its init said it started, -1 if unknown. */
    long initUptimeMillis() {
        return initUptimeMillis;
    }

    /**
     * Loads the snapshot through a Unix socket, waits until it is in, then starts the vCPUs. Not
     * {@code exec:cat}: QEMU 7.2 at times never read a finished {@code cat}'s pipe (it stayed
     * "inmigrate", its main loop polling the pipe's hang-up without end), which failed the wake
     * benchmark's round on a quiet host; Wisp streams its snapshots through a socket the same way.
     */
    void loadAndCont() throws IOException {
        connect();
        if (templateStream) {
            command("{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":"
                    + "[{\"capability\":\"x-ignore-shared\",\"state\":true}]}}");
        }
        Path in = qmpSocket.resolveSibling(qmpSocket.getFileName() + ".in");
        Files.deleteIfExists(in);
        command("{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"unix:" + in + "\"}}");
        try {
            sendState(in);
        } finally {
            Files.deleteIfExists(in);
        }
        // Bounded: a load that never ends (seen twice on a host at load 40-50) fails the round
        // with QEMU's last status instead of hanging the bench.
        long deadline = System.nanoTime() + RawBaseline.ANSWER_TIMEOUT_NANOS;
        String status;
        while (!(status = execute("query-status")).contains("\"paused\"")) {
            if (System.nanoTime() > deadline) {
                throw new IOException("raw QEMU's snapshot load did not end paused: " + status);
            }
            sleep1ms();
        }
        execute("cont");
    }

    /** Copies the state file into QEMU's incoming socket (listening once migrate-incoming answered). */
    private void sendState(Path socket) throws IOException {
        try (FileChannel file = FileChannel.open(incomingState, StandardOpenOption.READ);
                SocketChannel out = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            out.connect(UnixDomainSocketAddress.of(socket));
            long size = file.size();
            for (long sent = 0; sent < size; ) {
                sent += file.transferTo(sent, size - sent, out);
            }
        }
    }

    void stop() throws IOException {
        connect();
        execute("stop");
    }

    void cont() throws IOException {
        connect();
        execute("cont");
    }

    private void connect() throws IOException {
        if (qmp != null) {
            return;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(qmpSocket));
                qmp = ch;
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IOException("raw QEMU's QMP socket never opened", e);
                }
                sleep1ms();
            }
        }
        qmpIn = new BufferedReader(new InputStreamReader(Channels.newInputStream(qmp), StandardCharsets.UTF_8));
        qmpOut = Channels.newOutputStream(qmp);
        qmpIn.readLine();
        execute("qmp_capabilities");
    }

    private String execute(String name) throws IOException {
        return command("{\"execute\":\"" + name + "\"}");
    }

    private String command(String json) throws IOException {
        qmpOut.write((json + "\n").getBytes(StandardCharsets.US_ASCII));
        qmpOut.flush();
        while (true) {
            String line = qmpIn.readLine();
            if (line == null) {
                throw new IOException("raw QEMU closed QMP");
            }
            if (!line.contains("\"event\"")) {
                return line;
            }
        }
    }

    private static void sleep1ms() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            if (qmp != null) {
                qmp.close();
            }
        } catch (IOException ignored) {
            // The process is killed next.
        }
        process.destroyForcibly();
        LIVE.remove(process);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(qmpSocket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // A stale socket file in the bench's temp dir is removed with the dir.
        }
    }
}
