package dev.wisp.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.runtime.Instance;
import dev.wisp.runtime.Template;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java runtime: a warm JVM snapshotted once, every instance a clone that reseeds and re-identifies. */
class JavaFunctionVmTest {
    @RegisterExtension
    static final FnTestbed BED = new FnTestbed();

    @BeforeAll
    static void deploy() {
        BED.functions.deploy(FunctionSpec.of("hello-java", FunctionRuntime.JAVA, FnTestbed.example("java/Hello.java")));
    }

    @Test
    void javaFunction_answersAnInvokeFromACloneOfTheWarmJvm() throws Exception {
        FunctionResponse r =
                BED.functions.invoke("hello-java", FunctionCall.post("wisp".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = FnTestbed.json(r.body());
        assertThat(body.path("hello").asText()).isEqualTo("wisp");
        assertThat(body.path("primes").asInt()).isEqualTo(148933); // the constructor's work, done before the snapshot
        assertThat(body.path("restores").asInt())
                .as("afterRestore ran once in the serving clone")
                .isEqualTo(1);
        assertThat(body.path("instance").asText()).startsWith("hello-java-");
    }

    @Test
    void twoClones_seeDifferentRandomnessAndHostnames_andEachRanAfterRestore() throws Exception {
        Template template = BED.runtime.loadTemplate("hello-java", nodeTemplateDirectory());
        HttpClient http = HttpClient.newHttpClient();
        List<JsonNode> answers = new ArrayList<>();
        List<Instance> clones = new ArrayList<>();
        try {
            for (String id : List.of("jclone-a", "jclone-b")) {
                Instance clone = BED.runtime.cloneFrom(template, id);
                clones.add(clone);
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://" + clone.address() + ":" + clone.hostPort() + "/"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                answers.add(FnTestbed.json(r.body()));
            }
        } finally {
            clones.forEach(Instance::stop);
        }
        assertThat(answers.get(0).path("instance").asText()).isEqualTo("jclone-a");
        assertThat(answers.get(1).path("instance").asText()).isEqualTo("jclone-b");
        assertThat(answers.get(0).path("random").asText())
                .isNotEqualTo(answers.get(1).path("random").asText());
        assertThat(answers)
                .allSatisfy(a -> assertThat(a.path("restores").asInt()).isEqualTo(1));
    }

    /** The warm template the node built for the function: the one snapshot with a memory file in its state. */
    private static Path nodeTemplateDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(BED.scratch().resolve("state"))) {
            List<Path> dirs = files.filter(p -> p.getFileName().toString().equals("memory.bin"))
                    .map(Path::getParent)
                    .filter(d -> Files.exists(d.resolve("snapshot.json")))
                    .toList();
            assertThat(dirs).as("warm templates in the node's state").hasSize(1);
            return dirs.get(0);
        }
    }
}
