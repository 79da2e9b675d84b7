package dev.wisp.node;

import static dev.wisp.node.NodeProbe.await;
import static dev.wisp.node.NodeProbe.counter;
import static dev.wisp.node.NodeProbe.get;
import static dev.wisp.node.NodeProbe.tier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.router.RouterConfig;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.VmTests;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node given 1 GiB of guest memory: services of different sizes within it, and what does not fit. */
class NodeCapacityTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perTest();

    private Node node;

    private static ServiceSpec alwaysOn(String name, VmSpec vm) {
        return ServiceSpec.of(name, vm).withStandby(StandbyPolicy.of(StandbyMode.ALWAYS_ON));
    }

    @Test
    void servicesOfDifferentSizes_runSideBySideAndWhatCannotFitIsRefusedClearly() throws Exception {
        VmTests.assume();
        VmSpec web = BED.web();
        node = BED.start(NodeConfig.of(BED.scratch().resolve("state"), RouterConfig.defaults())
                .withCapacity(CapacityConfig.defaults().withSize(1024, 2).withReserve(0)));

        node.deploy(alwaysOn("small", web.withResources(1, 128)));
        node.deploy(alwaysOn("medium", web.withResources(1, 384)));
        await(
                () -> tier(node, "small", "running") == 1
                        && tier(node, "medium", "running") == 1
                        && node.capacity().allocatedMemoryMiB() == 512,
                Duration.ofSeconds(90));
        assertThat(get(node, "small", "/")).isEqualTo("200 hello from the node test");
        assertThat(get(node, "medium", "/")).isEqualTo("200 hello from the node test");
        NodeCapacity c = node.capacity();
        assertThat(c.running()).isEqualTo(2);
        assertThat(c.allocatedVcpus()).isEqualTo(2);
        assertThat(c.memoryLimitMiB()).isEqualTo(1024);

        assertThatThrownBy(() -> node.deploy(alwaysOn("big", web.withResources(1, 768))))
                .isInstanceOf(CapacityException.class)
                .hasMessage("service 'big' does not fit: 1 instance(s) x 768 MiB = 768 MiB needed, 512 MiB free"
                        + " (512 of 1024 MiB allocated; host 1024 MiB - reserve 0 MiB, overcommit 1.0)");
        assertThat(node.status("big"))
                .as("nothing of the refused service is left")
                .isEmpty();
        assertThat(get(node, "big", "/")).startsWith("404 ");

        // Scale from zero, no template: accepted (one instance fits the node) but it cannot start now;
        // its request waits, then gets 503, and the refusal is counted.
        node.deploy(alwaysOn("later", web.withResources(1, 768))
                .withWarmTemplate(false)
                .withScaling(AutoscalerConfig.builder().initialScale(0).build())
                .withLimits(ServiceLimits.DEFAULTS.withQueueTimeout(Duration.ofSeconds(2))));
        assertThat(get(node, "later", "/")).startsWith("503 ");
        assertThat(counter(node, "wisp_capacity_refusals_total", "service=\"later\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(node.status("later").orElseThrow().instances()).isEmpty();
        assertThat(node.capacity().allocatedMemoryMiB())
                .as("no overcommitted host")
                .isEqualTo(512);

        // Memory given back is memory to use: with "medium" gone, "later" boots for the next
        // request (a cold boot outlasts its 2 s queue timeout here, so ask until it answers).
        node.remove("medium");
        assertThat(node.capacity().allocatedMemoryMiB()).isEqualTo(128);
        await(
                () -> {
                    try {
                        return get(node, "later", "/").equals("200 hello from the node test");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                Duration.ofSeconds(60));
        assertThat(node.capacity().allocatedMemoryMiB()).isEqualTo(128 + 768);
    }
}
