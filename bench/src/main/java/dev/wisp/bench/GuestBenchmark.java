package dev.wisp.bench;

import dev.wisp.node.Node;
import dev.wisp.node.ServiceStatus;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** What every benchmark of one guest on a runtime holds: the runtime, the guest, a scratch folder, a progress sink. */
abstract class GuestBenchmark {
    final VmRuntime runtime;
    final VmSpec spec;
    final Path workDir;
    final Consumer<String> progress;

    GuestBenchmark(VmRuntime runtime, VmSpec spec, Path workDir, Consumer<String> progress) {
        this.runtime = runtime;
        this.spec = spec;
        this.workDir = workDir;
        this.progress = progress;
    }

    /** One progress line, numbers written the same on every host. */
    final void progress(String format, Object... args) {
        progress.accept(String.format(Locale.ROOT, format, args));
    }

    /**
     * Polls the node until {@code service}'s status meets {@code condition}.
     *
     * @throws IOException after {@code within}, naming {@code what} was awaited and the last status
     */
    static void awaitStatus(Node node, String service, Predicate<ServiceStatus> condition, Duration within, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (; ; ) {
            ServiceStatus s = node.status(service).orElseThrow();
            if (condition.test(s)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(service + " did not " + what + " within " + within.toSeconds() + " s: " + s);
            }
            Thread.sleep(20);
        }
    }
}
