package dev.wisp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VmTestsTest {
    @Test
    void enabled_followsTheWispVmTestsProperty() {
        String before = System.getProperty("wisp.vmTests");
        try {
            System.setProperty("wisp.vmTests", "false");
            assertThat(VmTests.enabled()).isFalse();
            assertThat(new VmTests().evaluateExecutionCondition(null).isDisabled())
                    .isTrue();
            System.setProperty("wisp.vmTests", "true");
            assertThat(VmTests.enabled()).isTrue();
            System.clearProperty("wisp.vmTests");
            assertThat(VmTests.enabled()).as("on unless switched off").isTrue();
        } finally {
            if (before == null) {
                System.clearProperty("wisp.vmTests");
            } else {
                System.setProperty("wisp.vmTests", before);
            }
        }
    }
}
