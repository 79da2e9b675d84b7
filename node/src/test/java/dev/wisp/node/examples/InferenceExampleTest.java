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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.wisp.node.examples.Examples.await;
import static dev.wisp.node.examples.Examples.wakes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * examples/inference end to end: the model trained at build time, served by the static C server
 * in real microVMs behind a node, checked against the trainer's own held-out evaluation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(VmTests.class)
class InferenceExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path scratch;
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    private VmSpec vm;
    private JsonNode heldout;
    private Node node;

    @BeforeAll
    void build() throws Exception {
        vm = Examples.inference(scratch.resolve("inference"));
        heldout = JSON.readTree(scratch.resolve("inference/heldout.json").toFile());
    }

    @Test
    void deployedModel_answersHeldOutSamplesAsTheTrainerDid() throws Exception {
        node = BED.start(scratch.resolve("state"));
        node.deploy(ServiceSpec.of("inference", vm));

        Examples.Answer info = Examples.get(node, "inference", "/v1/model");
        assertThat(info.status()).as(info.body()).isEqualTo(200);
        assertThat(JSON.readTree(info.body()).path("inputs").asInt()).isEqualTo(8);

        int checked = 100, serverCorrect = 0, trainerCorrect = 0;
        for (int i = 0; i < checked; i++) {
            JsonNode sample = heldout.path("samples").get(i);
            Examples.Answer a = Examples.post(node, "inference", "/v1/predict",
                    "{\"features\":" + sample.path("features") + "}");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.contentType()).isEqualTo("application/json");
            JsonNode prediction = JSON.readTree(a.body());
            assertThat(prediction.path("class").asInt()).as("sample %d", i).isEqualTo(sample.path("predicted").asInt());
            for (int k = 0; k < 4; k++) {
                assertThat(prediction.path("probabilities").get(k).asDouble())
                        .isCloseTo(sample.path("probabilities").get(k).asDouble(), within(1e-9));
            }
            serverCorrect += prediction.path("class").asInt() == sample.path("label").asInt() ? 1 : 0;
            trainerCorrect += sample.path("predicted").asInt() == sample.path("label").asInt() ? 1 : 0;
        }
        assertThat(serverCorrect).isEqualTo(trainerCorrect);
        // The model learned the task: four classes, so chance is 25 %.
        assertThat(heldout.path("heldoutAccuracy").asDouble()).isGreaterThan(0.85);
        assertThat(serverCorrect).isGreaterThan(80);

        Examples.Answer wrongCount = Examples.post(node, "inference", "/v1/predict", "{\"features\":[1,2]}");
        assertThat(wrongCount.status()).isEqualTo(400);
        assertThat(JSON.readTree(wrongCount.body()).at("/error/code").asText()).isEqualTo("bad_features");
        Examples.Answer notJson = Examples.post(node, "inference", "/v1/predict", "{\"features\":[1,");
        assertThat(JSON.readTree(notJson.body()).at("/error/code").asText()).isEqualTo("bad_json");
        assertThat(Examples.get(node, "inference", "/v1/predict").status()).isEqualTo(405);
    }

    @Test
    void burst_scalesOutThenSleepsToZeroAndTheNextRequestWakesIt() throws Exception {
        node = BED.start(scratch.resolve("state"));
        node.deploy(ServiceSpec.of("infer-burst", vm)
                .withScaling(AutoscalerConfig.builder().target(2).targetUtilizationPercentage(100).initialScale(0)
                        .maxInstances(4).stableWindow(Duration.ofSeconds(6)).scaleToZeroGrace(Duration.ZERO).build())
                .withStandby(new StandbyPolicy(StandbyMode.SNAPSHOT, Duration.ofSeconds(1), Duration.ofSeconds(3),
                        Duration.ofSeconds(8)))
                .withLimits(ServiceLimits.DEFAULTS.withHardLimit(2).withQueueTimeout(Duration.ofSeconds(90))));
        await(() -> node.status("infer-burst").orElseThrow().templateReady(), Duration.ofSeconds(60), "warm template");
        assertThat(node.status("infer-burst").orElseThrow().instances()).isEmpty();

        JsonNode sample = heldout.path("samples").get(0);
        Path body = Files.writeString(scratch.resolve("sample.json"), "{\"features\":" + sample.path("features") + "}");
        Hey.Report r = Hey.run(node.routerPort(), "infer-burst.localhost", "/v1/predict", "-m", "POST", "-T", "application/json",
                "-D", body.toString(), "-n", "400", "-c", "8");

        assertThat(r.errors()).as(r.raw()).isEmpty();
        assertThat(r.count(200)).as(r.raw()).isEqualTo(400);
        assertThat(node.status("infer-burst").orElseThrow().instances()).as("instances after the burst").hasSizeGreaterThanOrEqualTo(2);
        double clones = wakes(node, "infer-burst", "clone_template");
        assertThat(clones).isGreaterThanOrEqualTo(2);
        System.out.printf("inference burst: 400 predictions at c=8 all 200, %.0f req/s, %d instances (%.0f clones)%n",
                r.requestsPerSecond(), node.status("infer-burst").orElseThrow().instances().size(), clones);

        await(() -> node.status("infer-burst").orElseThrow().count("running") == 0, Duration.ofSeconds(30), "nothing running");
        await(() -> node.status("infer-burst").orElseThrow().instances().isEmpty(), Duration.ofSeconds(60), "every instance retired");

        Examples.Answer woken = Examples.post(node, "infer-burst", "/v1/predict", Files.readString(body));
        assertThat(woken.status()).as(woken.body()).isEqualTo(200);
        assertThat(JSON.readTree(woken.body()).path("class").asInt()).isEqualTo(sample.path("predicted").asInt());
        assertThat(wakes(node, "infer-burst", "clone_template")).isEqualTo(clones + 1);
    }
}
