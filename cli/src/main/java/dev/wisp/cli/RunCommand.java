package dev.wisp.cli;

import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelMemory;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wisp run IMAGE}: one microVM in the foreground, its console on stdout, Ctrl-C stops it. */
@Command(name = "run", description = "Boot an image in a microVM and show its console until Ctrl-C.")
final class RunCommand extends OutputCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", description = "Image id (or unique prefix) from 'wisp image build'.")
    String imageId;

    @Option(
            names = "--memory",
            defaultValue = "256",
            description = "Guest memory in MiB, " + VmSpec.MIN_MEMORY_MIB + ".." + VmSpec.MAX_MEMORY_MIB
                    + "; at least " + KernelMemory.DEFAULT_FLOOR_MIB + " except with Wisp's kernel"
                    + " (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Option(
            names = "--vcpus",
            defaultValue = "1",
            description = "Virtual CPUs, 1.." + VmSpec.MAX_VCPUS + " (default: ${DEFAULT-VALUE}).")
    int vcpus;

    @Option(names = "--name", defaultValue = "run-1", description = "Instance id (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
            names = "--ready-timeout",
            defaultValue = "60",
            description = "Seconds the app may take to listen (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds;

    @Mixin
    HostOptions host;

    @Override
    public Integer call() throws InterruptedException {
        Image image = host.images()
                .get(imageId)
                .orElseThrow(
                        () -> new IllegalArgumentException("no image " + imageId + " (see: wisp image ls --local)"));
        Kernel kernel = host.kernel();
        KernelMemory.check(memoryMib, kernel.vmlinux());
        VmSpec spec = new VmSpec(
                HostOptions.bootSource(kernel, image),
                vcpus,
                memoryMib,
                image.port(),
                Duration.ofSeconds(readyTimeoutSeconds));
        CountDownLatch stopped = new CountDownLatch(1);
        try (VmRuntime rt = host.startRuntime(kernel)) {
            rt.onConsole((id, line) -> out().println(id + " | " + line));
            rt.onEvent(e -> {
                if (e.to().isTerminal()) {
                    err().println(e);
                    stopped.countDown();
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                rt.close();
                stopped.countDown();
            }));
            long t0 = System.nanoTime();
            Instance i = rt.boot(name, spec);
            err().printf(
                            "%s ready in %d ms on %s: http://%s:%d/  (Ctrl-C stops it)%n",
                            i.id(), (System.nanoTime() - t0) / 1_000_000, rt.accelerator(), i.address(), i.hostPort());
            stopped.await();
        }
        return 0;
    }
}
