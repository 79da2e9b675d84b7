package dev.wisp.runtime;

import dev.wisp.testing.VmTests;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link VmRuntime} on the test guests' kernel, started before a test class's tests and closed
 * after them: a {@code @RegisterExtension} field of a {@code PER_CLASS} class that also has
 * {@code @ExtendWith(VmTests.class)} (so nothing starts when VM tests are off).
 */
final class TestRuntime implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<RuntimeConfig> config;
    private VmRuntime runtime;

    /** With {@link TestGuests#config()}. */
    TestRuntime() {
        this(TestGuests::config);
    }

    /** With the configuration {@code config} gives when the class starts (after its {@code @TempDir}s exist). */
    TestRuntime(Supplier<RuntimeConfig> config) {
        this.config = config;
    }

    VmRuntime get() {
        return runtime;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        runtime = VmRuntime.start(config.get(), VmTests.kernel().vmlinux());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (runtime != null) {
            runtime.close();
        }
    }
}
