package dev.wisp.node.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.node.Node;
import dev.wisp.node.NodeBed;
import dev.wisp.node.ServiceSpec;
import dev.wisp.router.ServiceLimits;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.Hey;
import dev.wisp.testing.VmTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.wisp.node.examples.Examples.await;
import static dev.wisp.node.examples.Examples.wakes;
import static org.assertj.core.api.Assertions.assertThat;

/** examples/api-nginx end to end: Debian's nginx in real microVMs behind a node, under a spike from hey. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class ApiNginxExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path scratch;
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    private VmSpec vm;
    private Node node;

    @BeforeAll
    void build() {
        vm = Examples.apiNginx();
    }

    @Test
    void deployedApi_servesStaticAndDynamicRoutesAsJson() throws Exception {
        node = BED.start(scratch.resolve("state"));
        node.deploy(ServiceSpec.of("api", vm));

        Examples.Answer list = Examples.get(node, "api", "/api/v1/products");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.contentType()).startsWith("application/json");
        assertThat(JSON.readTree(list.body()).path("products")).hasSize(3);

        Examples.Answer one = Examples.get(node, "api", "/api/v1/products/2");
        assertThat(JSON.readTree(one.body()).path("name").asText()).isEqualTo("teapot");
        Examples.Answer missing = Examples.get(node, "api", "/api/v1/products/9");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).at("/error/code").asText()).isEqualTo("product_not_found");

        assertThat(JSON.readTree(Examples.get(node, "api", "/api/v1/greet/ada?lang=fr").body()).path("greeting").asText())
                .isEqualTo("bonjour, ada");
        assertThat(JSON.readTree(Examples.get(node, "api", "/api/v1/greet/ada").body()).path("greeting").asText())
                .isEqualTo("hello, ada");
        JsonNode first = JSON.readTree(Examples.get(node, "api", "/api/v1/now").body());
        JsonNode second = JSON.readTree(Examples.get(node, "api", "/api/v1/now").body());
        assertThat(first.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        assertThat(second.path("request_id").asText()).hasSize(32).isNotEqualTo(first.path("request_id").asText());

        Examples.Answer post = Examples.post(node, "api", "/api/v1/products", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(JSON.readTree(post.body()).at("/error/code").asText()).isEqualTo("method_not_allowed");
        assertThat(Examples.get(node, "api", "/nope").status()).isEqualTo(404);
    }

    @Test
    void spike_allServedWhileItScalesOutThenSleepsToZeroAndTheNextRequestWakesIt() throws Exception {
        node = BED.start(scratch.resolve("state"));
        node.deploy(ServiceSpec.of("api-spike", vm)
                .withScaling(AutoscalerConfig.builder().target(10).targetUtilizationPercentage(100).initialScale(0)
                        .maxInstances(5).stableWindow(Duration.ofSeconds(6)).scaleToZeroGrace(Duration.ZERO).build())
                .withStandby(new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(3),
                        Duration.ofSeconds(8)))
                .withLimits(ServiceLimits.DEFAULTS.withHardLimit(10).withQueueTimeout(Duration.ofSeconds(90))));
        await(() -> node.status("api-spike").orElseThrow().templateReady(), Duration.ofSeconds(60), "warm template");
        assertThat(node.status("api-spike").orElseThrow().instances()).isEmpty();

        Hey.Report r = Hey.run(node.routerPort(), "api-spike.localhost", "/api/v1/products", "-n", "2000", "-c", "50");

        assertThat(r.errors()).as(r.raw()).isEmpty();
        assertThat(r.count(200)).as(r.raw()).isEqualTo(2000);
        assertThat(node.status("api-spike").orElseThrow().instances()).as("instances after the spike").hasSizeGreaterThanOrEqualTo(3);
        double clones = wakes(node, "api-spike", "clone_template");
        assertThat(clones).isGreaterThanOrEqualTo(3);
        System.out.printf("api-nginx spike: 2000 requests at c=50 all 200, %.0f req/s, %d instances (%.0f clones)%n",
                r.requestsPerSecond(), node.status("api-spike").orElseThrow().instances().size(), clones);

        await(() -> node.status("api-spike").orElseThrow().count("running") == 0, Duration.ofSeconds(30), "nothing running");
        await(() -> node.status("api-spike").orElseThrow().instances().isEmpty(), Duration.ofSeconds(60), "every instance retired");

        Examples.Answer woken = Examples.get(node, "api-spike", "/api/v1/products/1");
        assertThat(woken.status()).as(woken.body()).isEqualTo(200);
        assertThat(JSON.readTree(woken.body()).path("name").asText()).isEqualTo("kettle");
        assertThat(wakes(node, "api-spike", "clone_template")).isEqualTo(clones + 1);
    }
}
