package dev.wisp.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: QEMU driven the way a person would by hand, with the command line from the
 * notes, {@code exec:cat} to load a snapshot and a bare QMP socket to {@code cont}. No sandbox,
 * no checksums, no guest re-identification: everything Wisp adds is what the ratio measures.
 */
final class RawQemu implements AutoCloseable {
    static final String CMDLINE = "console=ttyS0 quiet panic=-1 reboot=t tsc_early_khz=2000000 lpj=8000000 no_timer_check";

    private final Process process;
    private final Path qmpSocket;
    private SocketChannel qmp;
    private BufferedReader qmpIn;
    private OutputStream qmpOut;

    private RawQemu(Process process, Path qmpSocket) {
        this.process = process;
        this.qmpSocket = qmpSocket;
    }

    /** Where the guest's RAM comes from, as QEMU options. */
    enum Memory { PLAIN, RAM_OBJECT, TEMPLATE_FILE }

    static RawQemu start(String accel, Path kernel, Path initrd, int memoryMib, int hostPort, int guestPort,
                         Path workDir, Memory memory, Path memoryFile, Path incomingState) throws IOException {
        Path sock = workDir.resolve("raw-qmp-" + hostPort + ".sock");
        Files.deleteIfExists(sock);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64"));
        switch (memory) {
            case PLAIN -> cmd.addAll(List.of("-M", "microvm"));
            case RAM_OBJECT -> cmd.addAll(List.of("-M", "microvm,memory-backend=mem",
                    "-object", "memory-backend-ram,id=mem,size=" + memoryMib + "M"));
            case TEMPLATE_FILE -> cmd.addAll(List.of("-M", "microvm,memory-backend=mem",
                    "-object", "memory-backend-file,id=mem,size=" + memoryMib + "M,mem-path=" + memoryFile + ",share=off",
                    "-global", "migration.x-ignore-shared=on"));
        }
        cmd.addAll(List.of("-accel", accel, "-cpu", "tcg".equals(accel) ? "max" : "host", "-m", memoryMib + "M",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
                "-qmp", "unix:" + sock + ",server=on,wait=off",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", CMDLINE,
                "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:" + hostPort + "-:" + guestPort,
                "-device", "virtio-net-device,netdev=n0"));
        if (incomingState != null) {
            cmd.addAll(List.of("-incoming", "exec:cat " + incomingState));
        }
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new RawQemu(p, sock);
    }

    /** After an incoming migration: waits until the state is loaded, then starts the vCPUs. */
    void contWhenLoaded() throws IOException {
        connect();
        while (!command("query-status").contains("\"paused\"")) {
            sleep1ms();
        }
        command("cont");
    }

    void stop() throws IOException {
        connect();
        command("stop");
    }

    void cont() throws IOException {
        connect();
        command("cont");
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
        command("qmp_capabilities");
    }

    private String command(String name) throws IOException {
        qmpOut.write(("{\"execute\":\"" + name + "\"}\n").getBytes(StandardCharsets.US_ASCII));
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
