package dev.wisp.cli;

import dev.wisp.bench.NetworkThroughput;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wisp bench network}: one guest's requests/s and p99 through TAP against user networking. */
@Command(
        name = "network",
        description = "One guest's requests/s and p99 through TAP against user networking, in one run (needs root).")
final class BenchNetworkCommand extends OutputCommand implements Callable<Integer> {
    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Measured seconds per side (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--connections",
            defaultValue = "8",
            description = "Concurrent connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Mixin
    JsonOption output;

    @Mixin
    HostOptions host;

    @Override
    public Integer call() throws Exception {
        NetworkThroughput.Options o = new NetworkThroughput.Options(seconds, connections);
        Kernel kernel = host.kernel();
        Image image = ExampleApps.hello(kernel, host.images());
        VmSpec spec = VmSpec.of(HostOptions.bootSource(kernel, image), image.port());
        RuntimeConfig base =
                RuntimeConfig.defaults().withHome(host.home()).withAccelerator(AcceleratorChoice.parse(host.accel));
        NetworkThroughput.Result r = new NetworkThroughput(base, kernel.vmlinux(), spec, o, progress()).run();
        output.print(out(), r, NetworkThroughput.Result::table);
        return 0;
    }
}
