package dev.wisp.cli;

import dev.wisp.image.Image;
import dev.wisp.image.Kernel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A {@code wisp bench} command on this host: {@code --json} and the host options, the options
 * checked before anything starts, and the result printed as a table or JSON.
 */
abstract class HostBenchCommand<R> extends OutputCommand implements Callable<Integer> {
    @Mixin
    JsonOption output;

    @Mixin
    HostOptions host;

    /** Refuses bad options before anything starts; nothing to check by default. */
    void check() {}

    /** Runs the benchmark with the guest kernel the host options chose. */
    abstract R measure(Kernel kernel) throws Exception;

    /** The result as the table people read. */
    abstract String table(R result);

    @Override
    public Integer call() throws Exception {
        check();
        output.print(out(), measure(host.kernel()), this::table);
        return 0;
    }

    /** The hello example built as an image for {@code kernel} (cached in the image store). */
    final Image helloImage(Kernel kernel) {
        return ExampleApps.hello(kernel, host.images());
    }
}
