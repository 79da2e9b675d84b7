package dev.wisp.cli;

import dev.wisp.common.FileTrees;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelMemory;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code wisp bench} command over real VMs in this process: what every such benchmark does around
 * its measurement, a scratch directory removed afterwards and a runtime.
 */
abstract class VmBenchCommand<R> extends HostBenchCommand<R> {
    /** Runs the benchmark with the kernel and runtime, in {@code work}. */
    abstract R measure(Kernel kernel, VmRuntime runtime, Path work) throws Exception;

    @Override
    final R measure(Kernel kernel) throws Exception {
        Path work =
                Files.createTempDirectory(Files.createDirectories(host.home().resolve("tmp")), "bench-");
        try (VmRuntime rt = host.startRuntime(kernel)) {
            return measure(kernel, rt, work);
        } finally {
            FileTrees.delete(work);
        }
    }

    /** The hello example as the guest, with one vCPU and {@code memoryMib}. */
    final VmSpec hello(Kernel kernel, int memoryMib) {
        KernelMemory.check(memoryMib, kernel.vmlinux());
        Image image = helloImage(kernel);
        return VmSpec.of(HostOptions.bootSource(kernel, image), image.port()).withResources(1, memoryMib);
    }
}
