package dev.wisp.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.common.FileTrees;
import dev.wisp.common.WispHome;
import dev.wisp.image.ImageStore;
import dev.wisp.image.Kernel;
import dev.wisp.node.Node;
import dev.wisp.node.NodeConfig;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real kernel, runtime, node (router on a free port), embedded store and the Functions facade
 * (callbacks to 127.0.0.1 allowed), as a JUnit 5 extension
 * ({@code @RegisterExtension static final FnTestbed BED = new FnTestbed();}): started before the
 * class's {@code @BeforeAll} (skipped without VM tests), closed after it with its scratch directory.
 */
final class FnTestbed implements BeforeAllCallback, AfterAllCallback {
    private static final Path EXAMPLES =
            Path.of("../examples/functions").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    Kernel kernel;
    VmRuntime runtime;
    Node node;
    StateStore store;
    Functions functions;
    private Path scratch;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        VmTests.assume();
        scratch = Files.createTempDirectory("wisp-fn-test-");
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

    /** A directory for the class's files, deleted after it. */
    Path scratch() {
        return scratch;
    }

    /** A file of the repository's example functions, e.g. {@code "shell/handler.sh"}. */
    static Path example(String file) {
        return EXAMPLES.resolve(file);
    }

    /** A function's JSON answer, parsed. */
    static JsonNode json(byte[] body) throws IOException {
        return JSON.readTree(body);
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    /** The example C function ({@code binary/handler.c}) built static into the scratch folder as {@code name}. */
    Path binaryExample(String name) {
        Path bin = scratch.resolve(name);
        HostTools.run(
                "gcc",
                List.of(
                        "gcc",
                        "-static",
                        "-O2",
                        "-o",
                        bin.toString(),
                        example("binary/handler.c").toString()),
                "no gcc");
        return bin;
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
    public void afterAll(ExtensionContext context) {
        if (functions != null) {
            functions.close();
        }
        if (node != null) {
            node.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (store != null) {
            store.close();
        }
        if (scratch != null) {
            FileTrees.deleteQuietly(scratch);
        }
    }
}
