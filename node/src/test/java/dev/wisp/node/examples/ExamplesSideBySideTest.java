package dev.wisp.node.examples;

import static dev.wisp.node.examples.Examples.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.node.CapacityConfig;
import dev.wisp.node.CapacityException;
import dev.wisp.node.Node;
import dev.wisp.node.NodeBed;
import dev.wisp.node.NodeConfig;
import dev.wisp.node.ServiceSpec;
import dev.wisp.router.RouterConfig;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.VmTests;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The examples at their own sizes on one node with 768 MiB to spare beside them: the 128 MiB API
 * service and the 512 MiB model server serve side by side, and a 1 GiB model server, which the
 * empty node could take but not beside them, is refused with the numbers instead of overcommitting.
 */
class ExamplesSideBySideTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perTest();

    private Node node;

    private static ServiceSpec alwaysOn(String name, VmSpec vm) {
        // No warm template: the template would hold memory of its own beside the instance.
        return ServiceSpec.of(name, vm)
                .withStandby(StandbyPolicy.of(StandbyMode.ALWAYS_ON))
                .withWarmTemplate(false);
    }

    @Test
    void examplesOfDifferentSizes_shareANodeAndADeployThatCannotFitIsRefused() throws Exception {
        VmTests.assume();
        VmSpec api = Examples.apiNginx();
        VmSpec model = Examples.inference(BED.scratch().resolve("inference"));
        long nodeMiB = Examples.NGINX_MEMORY_MIB + Examples.INFERENCE_MEMORY_MIB + 768; // 1 GiB would fit an empty node
        node = BED.start(NodeConfig.of(BED.scratch().resolve("state"), RouterConfig.defaults())
                .withCapacity(CapacityConfig.defaults().withSize(nodeMiB, 2).withReserve(0)));

        node.deploy(alwaysOn("api", api));
        node.deploy(alwaysOn("model", model));
        await(() -> node.capacity().running() == 2, Duration.ofSeconds(120), "both examples running");
        assertThat(Examples.get(node, "api", "/api/v1/products").status()).isEqualTo(200);
        assertThat(Examples.post(node, "model", "/v1/predict", "{\"features\":[0,0,0,0,0,0,0,0]}")
                        .status())
                .isEqualTo(200);
        assertThat(node.capacity().allocatedMemoryMiB())
                .isEqualTo(Examples.NGINX_MEMORY_MIB + Examples.INFERENCE_MEMORY_MIB);

        assertThatThrownBy(() -> node.deploy(alwaysOn("model-1g", model.withResources(1, 1024))))
                .isInstanceOf(CapacityException.class)
                .hasMessageStartingWith(
                        "service 'model-1g' does not fit: 1 instance(s) x 1024 MiB = 1024 MiB needed, 768 MiB free");
        assertThat(node.status("model-1g")).isEmpty();
        assertThat(node.capacity().running())
                .as("the running examples are untouched")
                .isEqualTo(2);
        assertThat(Examples.get(node, "api", "/api/v1/products").status()).isEqualTo(200);
    }
}
