package dev.wisp.node.examples;

import static dev.wisp.node.examples.Examples.wakes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.node.Node;
import dev.wisp.node.NodeBed;
import dev.wisp.node.ServiceSpec;
import dev.wisp.runtime.VmSpec;
import dev.wisp.testing.Hey;
import dev.wisp.testing.VmTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * examples/inference end to end: the model trained at build time, served by the static C server
 * in real microVMs behind a node, checked against the trainer's own held-out evaluation.
 */
@ExtendWith(VmTests.class)
class InferenceExampleTest {
    @RegisterExtension
    static final NodeBed BED = NodeBed.perClass();

    private Node node;

    /** The model's guest; its build also writes the trainer's held-out evaluation beside it. */
    private static VmSpec model() {
        return BED.guest("inference", Examples::inference);
    }

    private static JsonNode heldout() throws IOException {
        model();
        return Examples.JSON.readTree(
                BED.scratch().resolve("inference/heldout.json").toFile());
    }

    @Test
    void deployedModel_answersHeldOutSamplesAsTheTrainerDid() throws Exception {
        node = BED.start();
        node.deploy(ServiceSpec.of("inference", model()));
        JsonNode heldout = heldout();

        Examples.Answer info = Examples.get(node, "inference", "/v1/model");
        assertThat(info.status()).as(info.body()).isEqualTo(200);
        assertThat(info.json().path("inputs").asInt()).isEqualTo(8);

        int checked = 100, serverCorrect = 0, trainerCorrect = 0;
        for (int i = 0; i < checked; i++) {
            JsonNode sample = heldout.path("samples").get(i);
            Examples.Answer a =
                    Examples.post(node, "inference", "/v1/predict", "{\"features\":" + sample.path("features") + "}");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.contentType()).isEqualTo("application/json");
            JsonNode prediction = a.json();
            assertThat(prediction.path("class").asInt())
                    .as("sample %d", i)
                    .isEqualTo(sample.path("predicted").asInt());
            for (int k = 0; k < 4; k++) {
                assertThat(prediction.path("probabilities").get(k).asDouble())
                        .isCloseTo(sample.path("probabilities").get(k).asDouble(), within(1e-9));
            }
            serverCorrect +=
                    prediction.path("class").asInt() == sample.path("label").asInt() ? 1 : 0;
            trainerCorrect +=
                    sample.path("predicted").asInt() == sample.path("label").asInt() ? 1 : 0;
        }
        assertThat(serverCorrect).isEqualTo(trainerCorrect);
        // The model learned the task: four classes, so chance is 25 %.
        assertThat(heldout.path("heldoutAccuracy").asDouble()).isGreaterThan(0.85);
        assertThat(serverCorrect).isGreaterThan(80);

        Examples.assertError(
                Examples.post(node, "inference", "/v1/predict", "{\"features\":[1,2]}"), 400, "bad_features");
        Examples.assertError(Examples.post(node, "inference", "/v1/predict", "{\"features\":[1,"), 400, "bad_json");
        assertThat(Examples.get(node, "inference", "/v1/predict").status()).isEqualTo(405);
    }

    @Test
    void burst_scalesOutThenSleepsToZeroAndTheNextRequestWakesIt() throws Exception {
        node = BED.start();
        Examples.deployBurstToZero(node, "infer-burst", model(), 2, 4);

        JsonNode sample = heldout().path("samples").get(0);
        Path body = Files.writeString(
                BED.scratch().resolve("sample.json"), "{\"features\":" + sample.path("features") + "}");
        Hey.Report r = Hey.run(
                node.routerPort(),
                "infer-burst.localhost",
                "/v1/predict",
                "-m",
                "POST",
                "-T",
                "application/json",
                "-D",
                body.toString(),
                "-n",
                "400",
                "-c",
                "8");

        double clones = Examples.assertBurstServedThenAsleep(node, "infer-burst", r, 400, 2, "inference burst at c=8");

        Examples.Answer woken = Examples.post(node, "infer-burst", "/v1/predict", Files.readString(body));
        assertThat(woken.status()).as(woken.body()).isEqualTo(200);
        assertThat(woken.json().path("class").asInt())
                .isEqualTo(sample.path("predicted").asInt());
        assertThat(wakes(node, "infer-burst", "clone_template")).isEqualTo(clones + 1);
    }
}
