package dev.wisp.node;

import static dev.wisp.node.NodeProbe.await;
import static dev.wisp.node.NodeProbe.tier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.autoscaler.AutoscalerConfig;
import dev.wisp.autoscaler.StandbyMode;
import dev.wisp.autoscaler.StandbyPolicy;
import dev.wisp.testing.Hey;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of a service's VMM while {@code hey} GETs it: every request is answered 200,
 * by the other instance or, when it was the only one, by its replacement (the router holds the
 * requests whose connection broke until the replacement is ready).
 */
@ExtendWith(VmTests.class)
class KilledUnderLoadTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    private Node node;

    @Test
    void onlyInstanceKilledUnderLoad_everyGetAnsweredByItsReplacement() throws Exception {
        killOneUnderLoad("lone", 1);
    }

    @Test
    void oneOfTwoInstancesKilledUnderLoad_everyGetAnswered() throws Exception {
        killOneUnderLoad("pair", 2);
    }

    private void killOneUnderLoad(String name, int instances) throws Exception {
        node = BED.start(BED.scratch().resolve("state-" + name));
        node.deploy(ServiceSpec.of(name, BED.web())
                .withScaling(AutoscalerConfig.builder()
                        .initialScale(instances)
                        .minInstances(instances)
                        .build())
                .withStandby(StandbyPolicy.of(StandbyMode.ALWAYS_ON)));
        await(
                () -> tier(node, name, "running") == instances
                        && node.status(name).orElseThrow().instances().stream().allMatch(i -> i.port() > 0),
                Duration.ofSeconds(90));
        String victim = node.status(name).orElseThrow().instances().get(0).id();
        long pid = BED.runtime().instances().stream()
                .filter(i -> i.id().equals(victim))
                .findFirst()
                .orElseThrow()
                .vmmPid();

        CompletableFuture<Hey.Report> load = CompletableFuture.supplyAsync(() -> {
            try {
                return Hey.run(node.routerPort(), name + ".localhost", "/", "-z", "12s", "-c", "8");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(3000);
        double retriesBefore = retries(name);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        Hey.Report r = load.get();
        System.out.printf(
                "%s: %d instance(s), one killed: %s, %.0f retries, %s%n",
                name,
                instances,
                r.statuses(),
                retries(name) - retriesBefore,
                r.raw()
                        .lines()
                        .filter(l -> l.contains("Slowest"))
                        .findFirst()
                        .orElse("")
                        .strip());

        assertThat(r.errors()).as(r.raw()).isEmpty();
        assertThat(r.statuses().keySet()).as(r.raw()).containsOnly(200);
        assertThat(r.count(200)).as(r.raw()).isGreaterThan(50);
        if (instances == 1) {
            // Requests in flight on the dead VM went again (to the replacement): counted as retries.
            assertThat(retries(name)).isGreaterThan(retriesBefore);
        }
        // The death is handled on the runtime's event thread; give it a moment, not a race.
        await(
                () -> node.status(name).orElseThrow().instances().stream().noneMatch(i -> i.id().equals(victim)),
                Duration.ofSeconds(10));
        await(() -> tier(node, name, "running") >= instances, Duration.ofSeconds(60));
        assertThat(NodeProbe.get(node, name, "/")).isEqualTo("200 hello from the node test");
    }

    private double retries(String service) {
        return NodeProbe.counter(node, "wisp_router_retries_total", "service=\"" + service + "\"");
    }
}
