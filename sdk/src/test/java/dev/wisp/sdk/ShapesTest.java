package dev.wisp.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapesTest {
    private final ObjectMapper json = WispJson.mapper();

    @Test
    void serviceFromDocs_readsEveryFieldAndIgnoresUnknownOnes() throws Exception {
        String doc = """
            {"name": "hello", "tenant": "default", "image": "sha256:ab", "envNames": ["GREETING"],
             "resources": {"vcpus": 1, "memoryMiB": 128}, "port": 8080,
             "scaling": {"min": 0, "max": 10, "initial": 1, "target": 10, "utilization": 0.7,
                         "stableWindow": "60s", "panicWindowPercent": 10, "panicThreshold": 2.0,
                         "maxScaleUpRate": 1000, "maxScaleDownRate": 2, "scaleToZeroGrace": "30s"},
             "standby": {"policy": "snapshot", "pauseAfter": "1s", "snapshotAfter": "60s", "retireAfter": "24h"},
             "access": "public", "revision": 3, "latestRevision": 3, "url": "http://hello.localhost:8080/",
             "status": {"ready": true, "instances": {"running": 1, "paused": 0, "snapshotted": 2}},
             "someFutureField": {"x": 1}}
            """;
        Service s = json.readValue(doc, Service.class);
        assertThat(s.name()).isEqualTo("hello");
        assertThat(s.envNames()).containsExactly("GREETING");
        assertThat(s.env()).isNull();
        assertThat(s.resources().memoryMiB()).isEqualTo(128);
        assertThat(s.scaling().stableWindow()).isEqualTo("60s");
        assertThat(s.scaling().panicThreshold()).isEqualTo(2.0);
        assertThat(s.standby().retireAfter()).isEqualTo("24h");
        assertThat(s.status().instances().snapshotted()).isEqualTo(2);
        assertThat(s.latestRevision()).isEqualTo(3);
    }

    @Test
    void patchWithOnlyScaling_writesNoNullFields() throws Exception {
        var patch = new ServicePatch(
                new Scaling(1, 5, null, 20.0, null, null, null, null, null, null, null, null, null), null, null);
        assertThat(json.writeValueAsString(patch)).isEqualTo("{\"scaling\":{\"min\":1,\"max\":5,\"target\":20.0}}");
    }

    @Test
    void plainMapper_followsApiShapesPolicy() throws Exception {
        ObjectMapper plain = new ObjectMapper();
        Tenant t = plain.readValue("{\"name\": \"acme\", \"someFutureField\": 1}", Tenant.class);
        assertThat(t.name()).isEqualTo("acme");
        assertThat(plain.writeValueAsString(t)).isEqualTo("{\"name\":\"acme\"}");
    }

    @Test
    void listsAndErrors_readAsTyped() throws Exception {
        ItemList<Instance> list = json.readValue("""
            {"items": [{"id": "hello-r2-7", "service": "hello", "revision": 2, "tier": "paused",
                        "state": "PAUSED", "node": "local", "startedAt": "2026-01-01T00:00:00Z", "busy": false}]}
            """, new TypeReference<ItemList<Instance>>() {});
        assertThat(list.items()).extracting(Instance::tier).containsExactly("paused");
        ErrorBody err = json.readValue(
                "{\"error\": {\"code\": \"not_found\", \"message\": \"no service x\"}}", ErrorBody.class);
        assertThat(err.error()).isEqualTo(new ApiError("not_found", "no service x"));
        NodeInfo node = json.readValue("""
            {"name": "local", "capacity": {"vcpus": 2, "memoryMiB": 24000, "memoryLimitMiB": 22976},
             "allocated": {"vcpus": 1, "memoryMiB": 128}, "instances": {"running": 1, "paused": 0, "snapshotted": 2},
             "refusals": 3, "routerUrl": "http://localhost:8080"}""", NodeInfo.class);
        assertThat(node.capacity().memoryMiB()).isEqualTo(24000);
        assertThat(node.capacity().memoryLimitMiB()).isEqualTo(22976);
        assertThat(node.refusals()).isEqualTo(3L);
        // Callers of the constructors from before the added fields still compile and write the same JSON.
        assertThat(json.writeValueAsString(new TokenCreated("tok_1", "wisp_x")))
                .isEqualTo("{\"id\":\"tok_1\",\"token\":\"wisp_x\"}");
        assertThat(new NodeInfo("n", new Resources(2, 512), null, null, null).capacity())
                .isEqualTo(new NodeCapacity(2, 512, null));
        assertThat(json.writeValueAsString(new Tenant("acme", new Quota(4, 2048, 20, 10))))
                .isEqualTo(
                        "{\"name\":\"acme\",\"quota\":{\"vcpus\":4,\"memoryMiB\":2048,\"instances\":20,\"images\":10}}");
        assertThat(json.readValue("{\"env\": {}}", DeployRequest.class).env()).isEqualTo(Map.of());
    }

    @Test
    void functionDeploy_writesTheJavaClassAsClass_andAFunctionReadsBack() throws Exception {
        var deploy = new FunctionDeploy("hello", "java", null, "UEsDBA==", "com.example.Hello", null, 2, null, "30s");
        assertThat(json.writeValueAsString(deploy))
                .isEqualTo(
                        "{\"name\":\"hello\",\"runtime\":\"java\","
                                + "\"handlerBase64\":\"UEsDBA==\",\"class\":\"com.example.Hello\",\"reservedConcurrency\":2,\"timeout\":\"30s\"}");
        assertThat(FunctionDeploy.of("words", "shell", "echo hi".getBytes(), true)
                        .handler())
                .isEqualTo("echo hi");
        Function f = json.readValue("""
            {"name": "hello", "tenant": "default", "runtime": "java", "class": "com.example.Hello",
             "resources": {"vcpus": 1, "memoryMiB": 256}, "reservedConcurrency": 2,
             "retry": {"maxAttempts": 3, "initialBackoff": "1s", "maxBackoff": "30s"}, "timeout": "30s",
             "createdAt": "2026-11-22T16:40:00Z", "state": "ready", "image": "5be1c0a2f3d70904", "inFlight": 0,
             "url": "http://fn-0123456789abcdef.localhost:8080/"}""", Function.class);
        assertThat(f.handlerClass()).isEqualTo("com.example.Hello");
        assertThat(f.retry().maxAttempts()).isEqualTo(3);
        assertThat(f.resources().memoryMiB()).isEqualTo(256);
    }
}
