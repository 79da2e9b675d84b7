package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.sdk.Event;
import dev.wisp.sdk.Revision;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.Tenant;
import dev.wisp.sdk.TokenCreated;
import dev.wisp.sdk.TokenInfo;
import dev.wisp.sdk.WispApiException;
import dev.wisp.sdk.WispClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over real HTTP against a real control plane (store, node, router, reconciler) whose
 * guest kernel is an empty file: services are stored, routed and reconciled, but no VM boots.
 * The VM paths are in {@link ControlPlaneVmTest}.
 */
class ControlApiTest extends SharedControlPlane {
    @TempDir
    static Path dir;

    String acme;
    String globex;
    String acmeImage;

    @BeforeAll
    void setUp() throws Exception {
        start(config(dir.resolve("data")));
        acme = http.tenantToken(
                admin,
                "acme",
                "{\"name\":\"acme\",\"quota\":{\"vcpus\":4,\"memoryMiB\":2048,\"instances\":4,\"images\":2}}");
        globex = http.tenantToken(admin, "globex", "{\"name\":\"globex\"}");
        acmeImage = upload(acme, 1);
        http.created(
                "/v1/services",
                acme,
                "{\"name\":\"shop\",\"image\":\"" + acmeImage
                        + "\",\"scaling\":{\"max\":2},\"resources\":{\"vcpus\":1,\"memoryMiB\":128}}");
    }

    ControlConfig config(Path data) throws Exception {
        return Guests.noVmConfig(dir, data);
    }

    String upload(String token, long seed) throws Exception {
        return http.uploadImage(token, TestImages.unbootable(dir.resolve("img-" + seed), seed));
    }

    @Test
    void firstStart_writesAdminTokenOwnerOnlyAndCreatesDefaultTenant() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cp.adminTokenFile())))
                .isEqualTo("rw-------");
        assertThat(admin).matches("wisp_[a-z2-7]{32}");
        JsonNode tenants = http.get("/v1/tenants", admin).json().path("items");
        assertThat(tenants.findValuesAsText("name")).contains("default", "acme", "globex");
        // The store holds the token's hash only.
        try (Stream<Path> files = Files.walk(dir.resolve("data/state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .doesNotContain(admin, acme);
            }
        }
    }

    @Test
    void missingOrUnknownToken_gets401() {
        assertThat(http.get("/v1/services", null).status()).isEqualTo(401);
        Http.Answer bad = http.get("/v1/services", "wisp_" + "a".repeat(32));
        bad.refused(401, "unauthorized");
        assertThat(http.get("/v1/services", "garbage").status()).isEqualTo(401);
        assertThat(http.get("/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void foreignTenantToken_gets404OnEveryRouteOfTheService() {
        String s = "/v1/services/shop";
        List<String[]> routes = List.of(
                new String[] {"GET", s, null},
                new String[] {"PATCH", s, "{\"access\":\"private\"}"},
                new String[] {"DELETE", s, null},
                new String[] {"POST", s + "/deploy", "{}"},
                new String[] {"POST", s + "/rollback", "{\"revision\":1}"},
                new String[] {"GET", s + "/revisions", null},
                new String[] {"GET", s + "/instances", null},
                new String[] {"GET", s + "/instances/shop-1/console", null},
                new String[] {"GET", s + "/events", null},
                new String[] {"GET", s + "/logs", null},
                new String[] {"GET", s + "/logs?follow=true", null},
                new String[] {"DELETE", "/v1/images/" + acmeImage, null},
                new String[] {"GET", s + "?tenant=acme", null});
        for (String[] r : routes) {
            Http.Answer a = http.send(r[0], r[1], globex, r[2]);
            assertThat(a.status()).as(r[0] + " " + r[1] + ": " + a.body()).isEqualTo(404);
            assertThat(a.code()).isEqualTo("not_found");
        }
        // Tenant-only listings do not show it, admin routes are hidden, and it is still there for its owner.
        assertThat(http.get("/v1/services", globex).json().path("items")).isEmpty();
        assertThat(http.get("/v1/images", globex).json().path("items").findValuesAsText("id"))
                .doesNotContain(acmeImage);
        assertThat(http.get("/v1/tenants", globex).status()).isEqualTo(404);
        assertThat(http.get(s, acme).status()).isEqualTo(200);
        assertThat(http.get(s + "?tenant=acme", admin).json().path("tenant").asText())
                .isEqualTo("acme");
    }

    @Test
    void logsQuery_badValuesGet400NamingTheParameter_anUnbootableAppHasNoAppLines() {
        String logs = "/v1/services/shop/logs";
        Map<String, String> bad = Map.of(
                "?since=yesterday", "since must be a duration like 10m",
                "?tail=0", "tail must be a whole number from 1 to 10000",
                "?tail=10001", "tail must be a whole number from 1 to 10000",
                "?stream=console", "stream must be app, stdout, stderr, kernel or all",
                "?revision=x", "revision must be a whole number",
                "?follow=yes", "follow must be true or false");
        bad.forEach((query, message) -> {
            Http.Answer a = http.get(logs + query, acme);
            assertThat(a.status()).as(query + ": " + a.body()).isEqualTo(400);
            assertThat(a.body()).contains(message);
        });
        assertThat(http.get(logs + "?revision=99", acme).status()).isEqualTo(404);
        // Its image cannot boot: no app line ever, and whatever the VMM said is a kernel line.
        Http.Answer none = http.get(logs + "?since=2026-01-01T00:00:00Z&tail=5", acme);
        assertThat(none.status()).as(none.body()).isEqualTo(200);
        assertThat(none.json().path("items")).isEmpty();
        assertThat(http.get(logs + "?stream=all", acme).json().path("items").findValuesAsText("stream"))
                .containsOnly("kernel");
    }

    @Test
    void quotaBreach_gets422NamingTheLimit() {
        Http.Answer a = http.post(
                "/v1/services",
                acme,
                "{\"name\":\"big\",\"image\":\"" + acmeImage
                        + "\",\"scaling\":{\"max\":3},\"resources\":{\"vcpus\":1,\"memoryMiB\":128}}");
        a.refused(422, "quota_exceeded");
        assertThat(a.json().path("error").path("message").asText())
                .contains("instances would be 5")
                .contains("limit is 4");
        Http.Answer scale = http.send("PATCH", "/v1/services/shop", acme, "{\"scaling\":{\"max\":4}}");
        assertThat(scale.status()).as(scale.body()).isEqualTo(200);
        Http.Answer mem = http.post("/v1/services/shop/deploy", acme, "{\"resources\":{\"memoryMiB\":1024}}");
        assertThat(mem.status()).isEqualTo(422);
        assertThat(mem.body()).contains("memoryMiB would be 4096");
        assertThat(http.send("PATCH", "/v1/services/shop", acme, "{\"scaling\":{\"max\":2}}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void deployAndRollback_makeRevisionsAndRejectUnknownOnes() {
        Http.Answer d = http.post("/v1/services/shop/deploy", acme, "{\"env\":{\"GREETING\":\"hi there\"}}");
        assertThat(d.status()).as(d.body()).isEqualTo(202);
        int n = d.json().path("number").asInt();
        assertThat(n).isGreaterThan(1);
        assertThat(d.json().path("envNames").toString()).isEqualTo("[\"GREETING\"]");
        assertThat(d.body()).doesNotContain("hi there");
        JsonNode revs = http.get("/v1/services/shop/revisions", acme).json().path("items");
        assertThat(revs.findValuesAsText("number")).contains("1", String.valueOf(n));
        assertThat(http.post("/v1/services/shop/rollback", acme, "{\"revision\":999}")
                        .status())
                .isEqualTo(404);
        assertThat(http.post("/v1/services/shop/rollback", acme, "{\"revision\":\"one\"}")
                        .status())
                .isEqualTo(400);
        Http.Answer rb = http.post("/v1/services/shop/rollback", acme, "{\"revision\":1}");
        assertThat(rb.status()).as(rb.body()).isEqualTo(202);
        assertThat(http.get("/v1/services/shop", acme)
                        .json()
                        .path("targetRevision")
                        .asInt())
                .isEqualTo(1);
        assertThat(http.post("/v1/services/shop/deploy", acme, "{\"env\":{\"bad-name\":\"x\"}}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void imageInUse_cannotBeDeleted_unusedOneCan() throws Exception {
        Http.Answer inUse = http.send("DELETE", "/v1/images/" + acmeImage, acme, null);
        inUse.refused(409, "conflict");
        String spare = upload(globex, 7);
        assertThat(Files.isDirectory(dir.resolve("data/images/" + spare))).isTrue();
        assertThat(http.send("DELETE", "/v1/images/" + spare, globex, null).status())
                .isEqualTo(204);
        assertThat(Files.exists(dir.resolve("data/images/" + spare))).isFalse();
    }

    @Test
    void foreignTenantsImage_is404ToCreateDeployGetAndDelete() throws Exception {
        Http.Answer create = http.post("/v1/services", globex, "{\"name\":\"thief\",\"image\":\"" + acmeImage + "\"}");
        assertThat(create.status()).as(create.body()).isEqualTo(404);
        assertThat(create.code()).isEqualTo("not_found");
        String own = upload(globex, 61);
        assertThat(http.post("/v1/services", globex, "{\"name\":\"mine\",\"image\":\"" + own + "\"}")
                        .status())
                .isEqualTo(201);
        try {
            Http.Answer deploy = http.post("/v1/services/mine/deploy", globex, "{\"image\":\"" + acmeImage + "\"}");
            assertThat(deploy.status()).as(deploy.body()).isEqualTo(404);
            assertThat(deploy.code()).isEqualTo("not_found");
            assertThat(http.get("/v1/services/mine/revisions", globex).json().path("items"))
                    .hasSize(1);
            Http.Answer get = http.get("/v1/images/" + acmeImage, globex);
            get.refused(404, "not_found");
            assertThat(http.send("DELETE", "/v1/images/" + acmeImage, globex, null)
                            .status())
                    .isEqualTo(404);
            Http.Answer mine = http.get("/v1/images/" + acmeImage, acme);
            assertThat(mine.status()).isEqualTo(200);
            assertThat(mine.json().path("id").asText()).isEqualTo(acmeImage);
            assertThat(mine.json().path("usedBy").toString()).contains("\"shop\"");
        } finally {
            assertThat(http.send("DELETE", "/v1/services/mine", globex, null).status())
                    .isEqualTo(204);
        }
    }

    @Test
    void sameBytesInTwoTenants_deletingInOneKeepsTheOthers() throws Exception {
        String initech = http.tenantToken(admin, "initech", "{\"name\":\"initech\"}");
        byte[] tar = TestImages.tar(TestImages.unbootable(dir.resolve("img-shared"), 71));
        Http.Answer first = http.upload(globex, tar);
        Http.Answer second = http.upload(initech, tar);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        String id = first.json().path("id").asText();
        assertThat(second.json().path("id").asText()).isEqualTo(id);
        assertThat(http.send("DELETE", "/v1/images/" + id, globex, null).status())
                .isEqualTo(204);
        assertThat(http.get("/v1/images/" + id, globex).status()).isEqualTo(404);
        assertThat(dir.resolve("data/images/" + id + "/initrd.img")).exists();
        assertThat(http.get("/v1/images/" + id, initech).status()).isEqualTo(200);
        http.created("/v1/services", initech, "{\"name\":\"kept\",\"image\":\"" + id + "\"}");
        assertThat(http.send("DELETE", "/v1/services/kept", initech, null).status())
                .isEqualTo(204);
        assertThat(http.send("DELETE", "/v1/images/" + id, initech, null).status())
                .isEqualTo(204);
        assertThat(dir.resolve("data/images/" + id)).doesNotExist();
    }

    @Test
    void nodes_areForTheAdminOnly_aTenantTokenGets404() {
        Http.Answer tenant = http.get("/v1/nodes", acme);
        assertThat(tenant.status())
                .as("a tenant must not see every tenant's allocation")
                .isEqualTo(404);
        assertThat(tenant.code()).isEqualTo("not_found");
        assertThat(tenant.body()).doesNotContain("allocated").doesNotContain("instances");
        Http.Answer root = http.get("/v1/nodes", admin);
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().path("items").get(0).path("allocated").has("memoryMiB"))
                .isTrue();
    }

    @Test
    void badImageTars_get400AndLeaveNothingBehind() throws Exception {
        Path images = dir.resolve("data/images");
        List<String> before = listing(images);
        Path extra = TestImages.unbootable(dir.resolve("bad-extra"), 11);
        Files.writeString(extra.resolve("evil.sh"), "rm -rf /\n");
        Path wrongDigest = TestImages.unbootable(dir.resolve("bad-digest"), 12);
        Files.write(wrongDigest.resolve("initrd.img"), new byte[4096]);
        Path noManifest = TestImages.unbootable(dir.resolve("bad-nomanifest"), 13);
        Files.delete(noManifest.resolve("image.json"));
        byte[] good = TestImages.tar(TestImages.unbootable(dir.resolve("truncated"), 14));
        List<byte[]> bodies = List.of(
                TestImages.tar(extra),
                TestImages.tar(wrongDigest),
                TestImages.tar(noManifest),
                java.util.Arrays.copyOf(good, good.length / 2),
                "not a tar at all".getBytes(StandardCharsets.UTF_8),
                new byte[0]);
        for (byte[] body : bodies) {
            Http.Answer a = http.upload(globex, body);
            assertThat(a.status()).as(a.body()).isEqualTo(400);
            assertThat(a.code()).isEqualTo("bad_request");
        }
        assertThat(listing(images)).isEqualTo(before);
        assertThat(listing(dir.resolve("data/uploads"))).isEmpty();
        Http.Answer wrongType = http.send(HttpRequest.newBuilder(URI.create(cp.apiUrl() + "/v1/images"))
                .header("Authorization", "Bearer " + globex)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertThat(wrongType.status()).isEqualTo(415);
    }

    private static List<String> listing(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void oversizedBodies_get413() throws Exception {
        String huge = "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        Http.Answer a = http.post("/v1/services", acme, huge);
        a.refused(413, "payload_too_large");
        assertThat(http.get("/v1/health", null).status()).isEqualTo(200);
    }

    @Test
    void metrics_forAdminOnly_countApiRequestsByRouteTemplate() {
        assertThat(http.get("/v1/services/shop", acme).status()).isEqualTo(200);
        Http.Answer m = http.get("/metrics", admin);
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.body())
                .containsPattern(
                        "wisp_api_request_duration_seconds_count\\{method=\"GET\",route=\"/v1/services/\\{name}\",status=\"2xx\"} [1-9]")
                .contains("wisp_control_reconcile_duration_seconds_count")
                .contains("wisp_store_commit_seconds")
                .doesNotContain("route=\"/v1/services/shop\"");
        assertThat(http.get("/metrics", acme).status())
                .as("a tenant must not see every tenant's series")
                .isIn(403, 404);
    }

    @Test
    void openApiDocument_listsEveryRouteTheServerServes() {
        Http.Answer doc = http.get("/v1/openapi.json", null);
        assertThat(doc.status()).isEqualTo(200);
        JsonNode paths = doc.json().path("paths");
        List<String> missing = new ArrayList<>();
        for (ApiRoutes.Route r : cp.routes()) {
            if (!paths.path(r.template()).has(r.method().toLowerCase())) {
                missing.add(r.method() + " " + r.template());
            }
        }
        assertThat(missing).as("routes missing from openapi.json").isEmpty();
        int documented = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            documented += it.next().getValue().size();
        }
        assertThat(documented)
                .as("documented operations that the server does not serve")
                .isEqualTo(cp.routes().size());
    }

    @Test
    void everyJsonAnswer_isWhatOpenApiDocumentsForItsRoute_andAGetAnswerCanBeSentBack() throws Exception {
        OpenApiDoc doc = OpenApiDoc.load();
        doc.assertAnswer("POST", "/v1/tenants", http.post("/v1/tenants", admin, "{\"name\":\"shapes\"}"));
        Http.Answer tok = http.post("/v1/tenants/shapes/tokens", admin, null);
        doc.assertAnswer("POST", "/v1/tenants/{name}/tokens", tok);
        String t = tok.json().path("token").asText();
        Path img = TestImages.unbootable(dir.resolve("img-shapes"), 83);
        Http.Answer first = http.upload(t, TestImages.tar(img));
        assertThat(first.status()).isEqualTo(201);
        doc.assertAnswer("POST", "/v1/images", first);
        doc.assertAnswer("POST", "/v1/images", http.upload(t, TestImages.tar(img)));
        String image = first.json().path("id").asText();
        Http.Answer created = http.created(
                "/v1/services",
                t,
                "{\"name\":\"web\",\"image\":\"" + image + "\",\"env\":{\"GREETING\":\"hi\"},\"scaling\":{\"max\":2}}");
        doc.assertAnswer("POST", "/v1/services", created);
        doc.assertAnswer(
                "PATCH", "/v1/services/{name}", http.send("PATCH", "/v1/services/web", t, "{\"access\":\"private\"}"));
        doc.assertAnswer(
                "POST", "/v1/services/{name}/deploy", http.post("/v1/services/web/deploy", t, "{\"port\":8081}"));
        doc.assertAnswer(
                "POST", "/v1/services/{name}/rollback", http.post("/v1/services/web/rollback", t, "{\"revision\":1}"));

        // Every documented GET with a JSON answer, as the admin acting on the tenant.
        Map<String, String> params = Map.of("{name}", "web", "{id}", image);
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.paths().fields(); it.hasNext(); ) {
            String template = it.next().getKey();
            boolean json = doc.paths()
                    .path(template)
                    .path("get")
                    .path("responses")
                    .path("200")
                    .path("content")
                    .has("application/json");
            if (!json || template.equals("/v1/openapi.json") || template.startsWith("/v1/functions/")) {
                continue; // functions need microVMs: FunctionsApiVmTest checks theirs
            }
            String path = template.replace("/v1/tenants/{name}", "/v1/tenants/shapes");
            for (Map.Entry<String, String> p : params.entrySet()) {
                path = path.replace(p.getKey(), p.getValue());
            }
            Http.Answer a = http.get(path + "?tenant=shapes", admin);
            assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
            doc.assertAnswer("GET", template, a);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(12);
        doc.assertAnswer("GET", "/v1/services/{name}", http.get("/v1/services/nope", t));
        doc.assertAnswer("DELETE", "/v1/images/{id}", http.send("DELETE", "/v1/images/" + image, t, null));
        doc.assertAnswer("GET", "/v1/services", http.get("/v1/services", null));

        // Read-only fields of an answer may be sent back: the GET answer creates a copy.
        ObjectNode again = (ObjectNode) http.get("/v1/services/web", t).json();
        again.put("name", "web-copy");
        http.created("/v1/services", t, again.toString());
        Service viaSdk = WispClient.builder()
                .baseUrl(URI.create(cp.apiUrl()))
                .token(t)
                .build()
                .service("web");
        assertThat(viaSdk.targetRevision()).isEqualTo(1);
        assertThat(viaSdk.latestRevision()).isEqualTo(2);
    }

    @Test
    void eventStream_deliversTheTenantsChangesOnlyAndResumes() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(cp.apiUrl() + "/v1/events"))
                .header("Authorization", "Bearer " + globex)
                .header("Last-Event-ID", "0")
                .build();
        HttpResponse<java.io.InputStream> res = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        String image = upload(globex, 21);
        assertThat(http.post("/v1/services", globex, "{\"name\":\"feed\",\"image\":\"" + image + "\"}")
                        .status())
                .isEqualTo(201);
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    if (l.startsWith("data: ") && l.contains("service.created")) {
                        return l;
                    }
                }
                return null;
            } catch (Exception e) {
                return "error " + e;
            }
        });
        String data = line.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(data)
                .contains("\"service\":\"feed\"")
                .contains("\"tenant\":\"globex\"")
                .doesNotContain("shop");
        assertThat(http.get("/v1/services/feed/events", globex)
                        .json()
                        .path("items")
                        .findValuesAsText("kind"))
                .contains("service.created");
        assertThat(http.send("DELETE", "/v1/services/feed", globex, null).status())
                .isEqualTo(204);
    }

    @Test
    void dashboardPaths_cannotEscapeTheResourceFolder() {
        for (String p : List.of(
                "/dashboard/../openapi.json",
                "/dashboard/%2e%2e/openapi.json",
                "/dashboard/.env",
                "/dashboard/a/../../x")) {
            Http.Answer a = http.get(p, null);
            assertThat(a.status()).as(p).isEqualTo(404);
        }
        assertThat(http.send("POST", "/", null, "{}").status()).isEqualTo(405);
    }

    @Test
    void restart_keepsTenantsTokensServicesAndRevisions() throws Exception {
        Path data = dir.resolve("data2");
        String token;
        try (ControlPlane first = ControlPlane.start(config(data))) {
            Http h = new Http(first.apiUrl());
            String adm = Guests.adminToken(first);
            token = h.tenantToken(adm, "keep");
            Path img = TestImages.unbootable(dir.resolve("img-keep"), 31);
            String id = h.uploadImage(token, img);
            assertThat(h.post("/v1/services", token, "{\"name\":\"kept\",\"image\":\"" + id + "\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(h.post("/v1/services/kept/deploy", token, "{\"port\":9000}")
                            .status())
                    .isEqualTo(202);
        }
        try (ControlPlane second = ControlPlane.start(config(data))) {
            Http h = new Http(second.apiUrl());
            JsonNode svc = h.get("/v1/services/kept", token).json();
            assertThat(svc.path("latestRevision").asInt()).isEqualTo(2);
            assertThat(svc.path("port").asInt()).isEqualTo(9000);
            assertThat(h.get("/v1/services/kept/revisions", token).json().path("items"))
                    .hasSize(2);
            assertThat(h.get("/v1/images", token).json().path("items")).hasSize(1);
        }
    }

    @Test
    void restart_retiresImagesStoredBeforeIdsCoveredEveryByte() throws Exception {
        Path data = dir.resolve("data4");
        String token;
        String id;
        try (ControlPlane first = ControlPlane.start(config(data))) {
            Http h = new Http(first.apiUrl());
            String adm = Guests.adminToken(first);
            token = h.tenantToken(adm, "old");
            id = h.uploadImage(token, TestImages.unbootable(dir.resolve("img-old"), 81));
        }
        // What an older Wisp wrote: no format, so nothing says its id was derived from its bytes.
        Path manifest = data.resolve("images/" + id + "/image.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"format\"", "\"was-format\""));
        try (ControlPlane second = ControlPlane.start(config(data))) {
            Http h = new Http(second.apiUrl());
            assertThat(h.get("/v1/images", token).json().path("items")).isEmpty();
            assertThat(h.post("/v1/services", token, "{\"name\":\"s\",\"image\":\"" + id + "\"}")
                            .status())
                    .isEqualTo(404);
            assertThat(listing(data.resolve("images")))
                    .anyMatch(n -> n.startsWith(".legacy-" + id + "-"))
                    .doesNotContain(id);
            Http.Answer again = h.upload(token, TestImages.tar(dir.resolve("img-old")));
            assertThat(again.status()).as(again.body()).isEqualTo(201);
        }
    }

    @Test
    void rateLimit_answers429PastTheBurst() throws Exception {
        try (ControlPlane limited = ControlPlane.start(config(dir.resolve("data3"))
                .withLimits(ControlConfig.DEFAULT_MAX_BODY, ControlConfig.DEFAULT_MAX_IMAGE, 1, 5))) {
            Http h = new Http(limited.apiUrl());
            String adm = Guests.adminToken(limited);
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                codes.add(h.get("/v1/services", adm).status());
            }
            assertThat(codes.subList(0, 5)).containsOnly(200);
            assertThat(codes.subList(5, 8)).contains(429);
            Http.Answer limitedAnswer = h.get("/v1/services", adm);
            assertThat(limitedAnswer.code()).isEqualTo("rate_limited");
            assertThat(limitedAnswer.raw().headers().firstValue("retry-after")).isPresent();
            Thread.sleep(Duration.ofMillis(1100));
            assertThat(h.get("/v1/services", adm).status()).isEqualTo(200);
        }
    }

    @Test
    void javaSdk_readsEveryShapeTheServerWrites() throws Exception {
        WispClient client = WispClient.builder()
                .baseUrl(URI.create(cp.apiUrl()))
                .token(acme)
                .build();
        Service shop = client.service("shop");
        assertThat(shop.tenant()).isEqualTo("acme");
        assertThat(shop.scaling().max()).isPositive();
        assertThat(shop.standby().policy()).isEqualTo("snapshot");
        assertThat(shop.url()).startsWith("http://shop.acme.localhost:");
        assertThat(client.services()).extracting(Service::name).contains("shop");
        assertThat(client.revisions("shop")).extracting(Revision::number).contains(1);
        assertThat(client.instances("shop")).isNotNull();
        assertThat(client.images()).extracting(dev.wisp.sdk.Image::id).contains(acmeImage);
        dev.wisp.sdk.Image pushed = client.pushImage(TestImages.unbootable(dir.resolve("img-sdk"), 41));
        assertThat(pushed.id()).hasSize(16);
        assertThat(client.serviceEvents("shop")).extracting(Event::kind).contains("service.created");
        WispApiException missing = catchThrowableOfType(WispApiException.class, () -> client.service("nope"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("not_found");

        WispClient root = WispClient.builder()
                .baseUrl(URI.create(cp.apiUrl()))
                .token(admin)
                .build();
        assertThat(root.tenants()).extracting(Tenant::name).contains("acme", "globex");
        assertThat(root.nodes().get(0).capacity().vcpus()).isPositive();
        TokenCreated t = root.createToken("globex");
        assertThat(t.token()).startsWith("wisp_");
        assertThat(root.tokens("globex")).extracting(TokenInfo::id).contains(t.id());
        root.deleteToken("globex", t.id());
        assertThat(http.get("/v1/services", t.token()).status()).isEqualTo(401);
    }

    @Test
    void concurrentCreates_neverOvershootTheQuota() throws Exception {
        String racer = http.tenantToken(admin, "racer", "{\"name\":\"racer\",\"quota\":{\"instances\":2}}");
        String image = upload(racer, 51);
        List<CompletableFuture<Integer>> creates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String body = "{\"name\":\"r" + i + "\",\"image\":\"" + image + "\",\"scaling\":{\"max\":1}}";
            creates.add(CompletableFuture.supplyAsync(
                    () -> http.post("/v1/services", racer, body).status()));
        }
        List<Integer> codes = creates.stream().map(CompletableFuture::join).toList();
        assertThat(codes).filteredOn(c -> c == 201).hasSize(2);
        assertThat(codes).filteredOn(c -> c != 201).containsOnly(422);
        assertThat(http.get("/v1/services", racer).json().path("items")).hasSize(2);
    }

    @Test
    void tenantImagePull_ofAServerFileOrALoopbackRegistry_is403WithTheReason() throws Exception {
        Http.Answer file = http.post("/v1/images/pull", acme, "{\"ref\":\"oci:" + dir + "\"}");
        assertThat(file.status()).as(file.body()).isEqualTo(403);
        assertThat(file.body()).contains("an image file on the server is for the operator");
        Http.Answer loopback = http.post("/v1/images/pull", acme, "{\"ref\":\"127.0.0.1:5000/team/web:1\"}");
        assertThat(loopback.status()).as(loopback.body()).isEqualTo(403);
        assertThat(loopback.body())
                .contains("not reachable for tenants")
                .contains("loopback")
                .contains("--allow-callback-net");
        Http.Answer metadata = http.post("/v1/images/pull", acme, "{\"ref\":\"169.254.169.254/x/y:1\"}");
        assertThat(metadata.status()).as(metadata.body()).isEqualTo(403);
        // The operator's token may name the server's own files (this one is no image layout: 400, not 403).
        Http.Answer operator = http.post("/v1/images/pull", admin, "{\"ref\":\"oci:" + dir + "\"}");
        assertThat(operator.status()).as(operator.body()).isNotEqualTo(403);
    }
}
