package dev.wisp.testing;

import dev.wisp.common.WispHome;
import dev.wisp.image.Kernel;
import dev.wisp.image.KernelChoice;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tests that boot real microVMs run unless {@code -Dwisp.vmTests=false}. As an extension
 * ({@code @ExtendWith(VmTests.class)}) it skips a whole class before any of its set-up runs; a
 * class that mixes VM and plain tests calls {@link #assume()} in the VM ones.
 */
public final class VmTests implements ExecutionCondition {
    static final String DISABLED = "real-VM tests disabled with -Dwisp.vmTests=false";
    private static Kernel kernel;

    /** Whether VM tests are on (the default). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty("wisp.vmTests"));
    }

    /** Skips the calling test when VM tests are off. */
    public static void assume() {
        Assumptions.assumeTrue(enabled(), DISABLED);
    }

    /**
     * The guest kernel from the Wisp home ({@code WISP_HOME}, else ~/.wisp), resolved once per JVM:
     * {@code -Dwisp.kernel=wisp|debian|FILE}, by default Wisp's own where it has been built, else
     * Debian's (provisioned on first use).
     */
    public static synchronized Kernel kernel() {
        if (kernel == null) {
            kernel = KernelChoice.resolve(System.getProperty("wisp.kernel"), WispHome.resolve(), null);
            // Say once per test JVM which kernel the guests boot: the test output files show what a run used.
            System.getLogger(VmTests.class.getName())
                    .log(
                            System.Logger.Level.INFO,
                            "VM tests boot the {0} kernel {1} ({2})",
                            KernelChoice.nameOf(kernel),
                            kernel.version(),
                            kernel.vmlinux());
        }
        return kernel;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return enabled()
                ? ConditionEvaluationResult.enabled("real-VM tests on")
                : ConditionEvaluationResult.disabled(DISABLED);
    }
}
