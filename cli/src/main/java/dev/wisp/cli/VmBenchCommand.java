package dev.wisp.cli;

import dev.wisp.common.FileTrees;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelMemory;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A {@code wisp bench} command over real VMs: {@code --json} and the host options, and what every
 * such benchmark does around its measurement: a scratch directory removed afterwards, a runtime,
 * and the result as a table or JSON.
 */
abstract class VmBenchCommand<R> extends OutputCommand implements Callable<Integer> {
    @Mixin
    JsonOption output;

    @Mixin
    HostOptions host;

    /** Refuses bad options before anything starts; nothing to check by default. */
    void check() {}

    /** Runs the benchmark with the kernel and runtime, in {@code work}. */
    abstract R measure(Kernel kernel, VmRuntime runtime, Path work) throws Exception;

    /** The result as the table people read. */
    abstract String table(R result);

    @Override
    public Integer call() throws Exception {
        check();
        Kernel kernel = host.kernel();
        Path work =
                Files.createTempDirectory(Files.createDirectories(host.home().resolve("tmp")), "bench-");
        try (VmRuntime rt = host.startRuntime(kernel)) {
            output.print(out(), measure(kernel, rt, work), this::table);
        } finally {
            FileTrees.delete(work);
        }
        return 0;
    }

    /** The hello example as the guest, with one vCPU and {@code memoryMib}. */
    final VmSpec hello(Kernel kernel, int memoryMib) {
        KernelMemory.check(memoryMib, kernel.vmlinux());
        Image image = ExampleApps.hello(kernel, host.images());
        return VmSpec.of(HostOptions.bootSource(kernel, image), image.port()).withResources(1, memoryMib);
    }
}
