package dev.wisp.functions;

import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.image.WispHome;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import dev.wisp.testing.VmTests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Real kernel, runtime, node (router on a free port), embedded store and the Functions facade (callbacks to 127.0.0.1 allowed). */
final class FnTestbed implements AutoCloseable {
    final Kernel kernel;
    final VmRuntime runtime;
    final Node node;
    final StateStore store;
    final Functions functions;

    FnTestbed(Path scratch) {
        VmTests.assume();
        kernel = VmTests.kernel();
        runtime = VmRuntime.start(
                RuntimeConfig.defaults().withHome(WispHome.resolve()).withAccelerator(AcceleratorChoice.AUTO),
                kernel.vmlinux());
        node = Node.start(
                NodeConfig.of(
                        scratch.resolve("state"), RouterConfig.builder().port(0).build()),
                runtime);
        store = StateStores.embedded(scratch.resolve("store"));
        // Callbacks go to listeners the tests run on 127.0.0.1, which only an operator's allowance permits.
        functions = Functions.start(
                node,
                store,
                kernel,
                new ImageStore(WispHome.resolve()),
                WispHome.resolve().resolve("cache"),
                AddressPolicy.allowing(List.of("127.0.0.1/32")));
    }

    static void await(Duration timeout, String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        functions.close();
        node.close();
        runtime.close();
        store.close();
    }
}
