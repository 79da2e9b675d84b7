package dev.wisp.image;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Boots an image with a plain qemu-system-x86_64 command (TCG, microvm) and reads its console. */
final class TestVm implements AutoCloseable {
    final int hostPort;
    final long startNanos = System.nanoTime();
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final List<Long> lineNanos = new ArrayList<>();

    private TestVm(Process process, int hostPort) {
        this.process = process;
        this.hostPort = hostPort;
        Thread reader = new Thread(this::readConsole, "console");
        reader.setDaemon(true);
        reader.start();
    }

    static TestVm boot(Kernel kernel, Image image) throws IOException {
        int hostPort = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                "qemu-system-x86_64",
                "-M",
                "microvm",
                "-accel",
                "tcg",
                "-cpu",
                "max",
                "-m",
                "256",
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-serial",
                "stdio",
                "-no-reboot",
                "-kernel",
                kernel.vmlinux().toString(),
                "-initrd",
                image.initrd().toString(),
                "-append",
                "console=ttyS0 quiet panic=-1 reboot=t tsc_early_khz=2000000 lpj=8000000 no_timer_check"
                        + " wisp.id=test-" + image.id(),
                "-netdev",
                "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:" + hostPort + "-:" + image.port(),
                "-device",
                "virtio-net-device,netdev=n0"));
        if (image.disk().isPresent()) {
            cmd.addAll(List.of(
                    "-drive",
                    "file=" + image.disk().get() + ",if=none,id=d0,format=raw,readonly=on",
                    "-device",
                    "virtio-blk-device,drive=d0"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new TestVm(p, hostPort);
    }

    private void readConsole() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.replace("\r", "").equals("@@wisp env")) {
                    // The agent asks for the app's environment before it starts the app: none here.
                    send("@@wisp env-end");
                }
                synchronized (lines) {
                    lines.add(line.replace("\r", ""));
                    lineNanos.add(System.nanoTime());
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    /** @return the first console line matching, waiting up to {@code timeout} */
    String await(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching console line within " + timeout + "; console:\n" + console());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** @return milliseconds from process start until the first line starting with {@code prefix} */
    long millisUntil(String prefix) {
        synchronized (lines) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return (lineNanos.get(i) - startNanos) / 1_000_000;
                }
            }
        }
        return -1;
    }

    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    String console() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
