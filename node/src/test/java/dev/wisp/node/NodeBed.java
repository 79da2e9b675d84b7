package dev.wisp.node;

import dev.wisp.common.FileTrees;
import dev.wisp.common.WispHome;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.AcceleratorChoice;
import dev.wisp.runtime.RuntimeConfig;
import dev.wisp.runtime.VmRuntime;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real runtime and a node on it for node tests, as a JUnit 5 extension
 * ({@code @RegisterExtension static final NodeBed BED = NodeBed.perClass();}): the node a test
 * starts is closed after it; the runtime (started on first use) after the class, or after each
 * test with {@link #perTest()}. Public for the example tests in {@code dev.wisp.node.examples}.
 */
public final class NodeBed implements AfterEachCallback, AfterAllCallback {
    private final boolean runtimePerTest;
    private VmRuntime runtime;
    private Node node;
    private Path scratch;
    private final Map<String, VmSpec> guests = new HashMap<>();

    private NodeBed(boolean runtimePerTest) {
        this.runtimePerTest = runtimePerTest;
    }

    /** One runtime for all the tests of the class. */
    public static NodeBed perClass() {
        return new NodeBed(false);
    }

    /** A fresh runtime for each test. */
    public static NodeBed perTest() {
        return new NodeBed(true);
    }

    /** The runtime, started on first use with the Wisp home's kernel and the best accelerator. */
    public synchronized VmRuntime runtime() {
        if (runtime == null) {
            runtime = VmRuntime.start(
                    RuntimeConfig.defaults().withHome(WispHome.resolve()).withAccelerator(AcceleratorChoice.AUTO),
                    VmTests.kernel().vmlinux());
        }
        return runtime;
    }

    /** A directory for the class's files (images, node state), deleted after the class. */
    public synchronized Path scratch() {
        if (scratch == null) {
            try {
                scratch = Files.createTempDirectory("wisp-node-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }

    /** The busybox httpd guest of {@link Guests#webSpec}, built once for the class in {@link #scratch()}. */
    synchronized VmSpec web() {
        return guest("web", dir -> Guests.webSpec(scratch()));
    }

    /** How a test builds its guest, in a folder of its own. */
    @FunctionalInterface
    public interface GuestBuild {
        VmSpec build(Path dir) throws Exception;
    }

    /** The guest {@code name}, built once for the class in {@code scratch()/name}. */
    public synchronized VmSpec guest(String name, GuestBuild build) {
        VmSpec vm = guests.get(name);
        if (vm == null) {
            try {
                vm = build.build(scratch().resolve(name));
            } catch (Exception e) {
                throw new IllegalStateException("cannot build guest " + name + ": " + e.getMessage(), e);
            }
            guests.put(name, vm);
        }
        return vm;
    }

    /** Starts a node with default router settings on the class's {@code scratch()/state}. */
    public Node start() {
        return start(scratch().resolve("state"));
    }

    /** Starts a node with default router settings on {@code state}. */
    public Node start(Path state) {
        return start(NodeConfig.of(state, RouterConfig.defaults()));
    }

    /** Starts a node; it is closed after the test. */
    public synchronized Node start(NodeConfig config) {
        node = Node.start(config, runtime());
        return node;
    }

    /** Closes the node and the runtime now, as an exiting process would; the next start gets new ones. */
    public synchronized void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (runtimePerTest) {
            stop();
        } else if (node != null) {
            node.close();
            node = null;
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        stop();
        if (scratch != null) {
            FileTrees.deleteQuietly(scratch);
            scratch = null;
            guests.clear();
        }
    }
}
