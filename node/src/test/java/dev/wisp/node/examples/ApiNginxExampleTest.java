package dev.wisp.node.examples;

import static dev.wisp.node.examples.Examples.wakes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.node.Node;
import dev.wisp.node.NodeBed;
import dev.wisp.node.ServiceSpec;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.Hey;
import dev.wisp.testing.VmTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** examples/api-nginx end to end: Debian's nginx in real microVMs behind a node, under a spike from hey. */
@ExtendWith(VmTests.class)
class ApiNginxExampleTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    private Node node;

    private static VmSpec api() {
        return BED.guest("api-nginx", dir -> Examples.apiNginx());
    }

    @Test
    void deployedApi_servesStaticAndDynamicRoutesAsJson() throws Exception {
        node = BED.start();
        node.deploy(ServiceSpec.of("api", api()));

        Examples.Answer list = Examples.get(node, "api", "/api/v1/products");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.contentType()).startsWith("application/json");
        assertThat(list.json().path("products")).hasSize(3);

        Examples.Answer one = Examples.get(node, "api", "/api/v1/products/2");
        assertThat(one.json().path("name").asText()).isEqualTo("teapot");
        Examples.assertError(Examples.get(node, "api", "/api/v1/products/9"), 404, "product_not_found");

        assertThat(Examples.get(node, "api", "/api/v1/greet/ada?lang=fr")
                        .json()
                        .path("greeting")
                        .asText())
                .isEqualTo("bonjour, ada");
        assertThat(Examples.get(node, "api", "/api/v1/greet/ada")
                        .json()
                        .path("greeting")
                        .asText())
                .isEqualTo("hello, ada");
        JsonNode first = Examples.get(node, "api", "/api/v1/now").json();
        JsonNode second = Examples.get(node, "api", "/api/v1/now").json();
        assertThat(first.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        assertThat(second.path("request_id").asText())
                .hasSize(32)
                .isNotEqualTo(first.path("request_id").asText());

        Examples.assertError(Examples.post(node, "api", "/api/v1/products", "{}"), 405, "method_not_allowed");
        assertThat(Examples.get(node, "api", "/nope").status()).isEqualTo(404);
    }

    @Test
    void spike_allServedWhileItScalesOutThenSleepsToZeroAndTheNextRequestWakesIt() throws Exception {
        node = BED.start();
        Examples.deployBurstToZero(node, "api-spike", api(), 10, 5);

        Hey.Report r = Hey.run(node.routerPort(), "api-spike.localhost", "/api/v1/products", "-n", "2000", "-c", "50");
        double clones = Examples.assertBurstServedThenAsleep(node, "api-spike", r, 2000, 3, "api-nginx spike at c=50");

        Examples.Answer woken = Examples.get(node, "api-spike", "/api/v1/products/1");
        assertThat(woken.status()).as(woken.body()).isEqualTo(200);
        assertThat(woken.json().path("name").asText()).isEqualTo("kettle");
        assertThat(wakes(node, "api-spike", "clone_template")).isEqualTo(clones + 1);
    }
}
