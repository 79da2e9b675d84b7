package dev.wisp.cli;

import dev.wisp.bench.NetworkThroughput;
import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import dev.wisp.runtime.VmSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wisp bench network}: one guest's requests/s and p99 through TAP against user networking. */
@Command(
        name = "network",
        description = "One guest's requests/s and p99 through TAP against user networking, in one run (needs root).")
final class BenchNetworkCommand extends HostBenchCommand<NetworkThroughput.Result> {
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

    @Override
    NetworkThroughput.Result measure(Kernel kernel) throws Exception {
        NetworkThroughput.Options o = new NetworkThroughput.Options(seconds, connections);
        Image image = helloImage(kernel);
        VmSpec spec = VmSpec.of(HostOptions.bootSource(kernel, image), image.port());
        return new NetworkThroughput(host.hostRuntime(), kernel.vmlinux(), spec, o, progress()).run();
    }

    @Override
    String table(NetworkThroughput.Result r) {
        return r.table();
    }
}
