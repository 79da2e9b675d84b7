package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.runtime.jail.JailConfig;
import dev.wisp.store.StateStore;
import dev.wisp.store.StateStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Env values against a real control plane (store, node, reconciler; the guest kernel is an empty
 * file, so no VM boots; {@link EnvSecretsVmTest} checks what the app sees): the API shows names
 * only, no file under the data directory holds a value in plain text (records of an older version
 * included, once sealed), the key file is required, and other users cannot read the directory.
 */
class EnvSecretsTest {
    @TempDir
    Path scratch;

    ControlConfig config(Path data) throws IOException {
        return Guests.noVmConfig(scratch, data);
    }

    static String secret() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return "s3cr3t-" + HexFormat.of().formatHex(b);
    }

    @Test
    void envValues_neverInAnswers_norInAnyFileOfTheDataDirectory() throws Exception {
        Path data = scratch.resolve("data");
        String secret = secret();
        String second = secret();
        try (ControlPlane cp = ControlPlane.start(config(data))) {
            Http http = new Http(cp.apiUrl());
            String admin = Guests.adminToken(cp);
            Path img = TestImages.unbootable(scratch.resolve("img"), 7);
            String image = http.uploadImage(admin, img);
            List<Http.Answer> answers = new ArrayList<>();
            Http.Answer created = http.created(
                    "/v1/services",
                    admin,
                    "{\"name\":\"vault\",\"image\":\"" + image + "\",\"env\":{\"SECRET\":\"" + secret
                            + "\",\"MODE\":\"x y\"}}");
            answers.add(created);
            Http.Answer deployed =
                    http.post("/v1/services/vault/deploy", admin, "{\"env\":{\"SECRET\":\"" + second + "\"}}");
            assertThat(deployed.status()).as(deployed.body()).isEqualTo(202);
            answers.add(deployed);
            Http.Answer kept = http.post("/v1/services/vault/deploy", admin, "{\"port\":8081}");
            assertThat(kept.status()).as(kept.body()).isEqualTo(202);
            answers.add(kept);
            answers.add(http.post("/v1/services/vault/rollback", admin, "{\"revision\":1}"));
            answers.add(http.get("/v1/services", admin));
            answers.add(http.get("/v1/services/vault", admin));
            answers.add(http.get("/v1/services/vault/revisions", admin));
            answers.add(http.get("/v1/services/vault/events", admin));
            for (Http.Answer a : answers) {
                assertThat(a.body())
                        .as(a.raw().uri().toString())
                        .doesNotContain(secret)
                        .doesNotContain(second)
                        .doesNotContain("x y")
                        .doesNotContain("v1:");
            }
            assertThat(created.json().path("envNames").toString()).isEqualTo("[\"MODE\",\"SECRET\"]");
            assertThat(created.json().has("env")).isFalse();
            assertThat(deployed.json().path("envNames").toString()).isEqualTo("[\"SECRET\"]");
            // A deploy without env keeps the last revision's (still sealed, still its value).
            assertThat(kept.json().path("envNames").toString()).isEqualTo("[\"SECRET\"]");
            JsonNode revs =
                    http.get("/v1/services/vault/revisions", admin).json().path("items");
            assertThat(revs.findValuesAsText("number")).containsExactly("1", "2", "3");
            assertThat(revs.get(0).path("envNames").toString()).isEqualTo("[\"MODE\",\"SECRET\"]");
            // The record the reconciler builds the node's spec from opens to the values sent.
            EnvCipher key = EnvCipher.load(data.resolve("env.key"));
            assertThat(storedRevision(cp, 1).openEnv(key)).isEqualTo(Map.of("SECRET", secret, "MODE", "x y"));
            assertThat(storedRevision(cp, 3).openEnv(key)).isEqualTo(Map.of("SECRET", second));
            assertThat(filesContaining(data, secret, second)).isEmpty();
        }
        assertThat(filesContaining(data, secret, second)).as("after close").isEmpty();
        try (ControlPlane cp = ControlPlane.start(config(data))) {
            assertThat(envNames(cp)).isEqualTo("[\"MODE\",\"SECRET\"]");
            assertThat(filesContaining(data, secret, second))
                    .as("after a restart")
                    .isEmpty();
        }
        assertDataDirectoryPrivate(data);
    }

    @Test
    void recordsOfAnOlderVersion_withPlainEnv_areSealedAtStartAndTheirOldLogDropped() throws Exception {
        Path data = scratch.resolve("data");
        String secret = secret();
        // What a version before sealing left: plain env in the revision record, in the store's log.
        try (StateStore store = StateStores.embedded(data.resolve("state"))) {
            byte[] service = Json.bytes(new ServiceRecord(
                    "default",
                    "old",
                    Scaling.DEFAULT,
                    Standby.DEFAULT,
                    "public",
                    1,
                    1,
                    0,
                    0,
                    0,
                    "2026-01-01T00:00:00Z"));
            String revision = "{\"service\":\"old\",\"number\":1,\"image\":\"0123456789abcdef\",\"env\":{\"SECRET\":\""
                    + secret + "\"},\"resources\":{\"vcpus\":1,\"memoryMiB\":128},\"port\":8080,"
                    + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"state\":\"warming\"}";
            store.put(Registry.serviceKey("default", "old"), service);
            store.put(Registry.revisionKey("default", "old", 1), revision.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(filesContaining(data, secret))
                .as("the test's premise: plain text in the old log")
                .isNotEmpty();
        for (Path p : List.of(data, data.resolve("state"))) { // as an older version left them
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (ControlPlane cp = ControlPlane.start(config(data))) {
            Http http = new Http(cp.apiUrl());
            String admin = Guests.adminToken(cp);
            JsonNode revs = http.get("/v1/services/old/revisions", admin).json().path("items");
            assertThat(revs.get(0).path("envNames").toString()).isEqualTo("[\"SECRET\"]");
            assertThat(revs.toString()).doesNotContain(secret);
            RevisionRecord stored = storedRevision(cp, "old", 1);
            assertThat(stored.env()).isNull();
            assertThat(stored.openEnv(EnvCipher.load(data.resolve("env.key")))).isEqualTo(Map.of("SECRET", secret));
            assertThat(filesContaining(data, secret)).isEmpty();
        }
        assertDataDirectoryPrivate(data);
    }

    @Test
    void sealedValuesWithoutTheKeyFile_refuseToStart_andStartAgainOnceItIsBack() throws Exception {
        Path data = scratch.resolve("data");
        try (ControlPlane cp = ControlPlane.start(config(data))) {
            Http http = new Http(cp.apiUrl());
            String admin = Guests.adminToken(cp);
            String image = http.uploadImage(admin, TestImages.unbootable(scratch.resolve("img"), 3));
            assertThat(http.post(
                                    "/v1/services",
                                    admin,
                                    "{\"name\":\"vault\",\"image\":\"" + image + "\",\"env\":{\"SECRET\":\"kept\"}}")
                            .status())
                    .isEqualTo(201);
        }
        Path key = data.resolve("env.key");
        Path aside = scratch.resolve("env.key.backup");
        Files.move(key, aside);
        assertThatThrownBy(() -> ControlPlane.start(config(data)))
                .hasMessageContaining("holds encrypted env values but their key file " + key + " is missing");
        assertThat(key).doesNotExist(); // no new key that would seal new values nobody could match up
        Files.writeString(key, "AAAA" + Files.readString(aside).substring(4));
        assertThatThrownBy(() -> ControlPlane.start(config(data)))
                .hasMessageContaining("env SECRET cannot be decrypted");
        Files.move(aside, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (ControlPlane cp = ControlPlane.start(config(data))) {
            assertThat(envNames(cp)).isEqualTo("[\"SECRET\"]");
            assertThat(storedRevision(cp, 1).openEnv(EnvCipher.load(key))).isEqualTo(Map.of("SECRET", "kept"));
        }
    }

    /** The env names the API shows for the vault service. */
    private static String envNames(ControlPlane cp) throws IOException {
        String admin = Guests.adminToken(cp);
        return new Http(cp.apiUrl())
                .get("/v1/services/vault", admin)
                .json()
                .path("envNames")
                .toString();
    }

    private static RevisionRecord storedRevision(ControlPlane cp, int n) {
        return storedRevision(cp, "vault", n);
    }

    static RevisionRecord storedRevision(ControlPlane cp, String service, int n) {
        return Json.read(
                cp.store()
                        .get(Registry.revisionKey("default", service, n))
                        .orElseThrow()
                        .value(),
                RevisionRecord.class);
    }

    /**
     * Every file under {@code dir} holding one of the strings, as bytes anywhere in it. Files the
     * node removes meanwhile (a failed template's, say) are passed over: what is gone holds nothing.
     */
    static List<Path> filesContaining(Path dir, String... needles) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    String text;
                    try {
                        text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    } catch (NoSuchFileException gone) {
                        return FileVisitResult.CONTINUE;
                    }
                    for (String n : needles) {
                        if (text.contains(n)) {
                            found.add(f);
                        }
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return found;
    }

    /** 0700 on the directory, nothing under it open to others or a group but the jailed VMMs', and nobody (uid 65534) reads none of it. */
    static void assertDataDirectoryPrivate(Path data) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("env.key"))))
                .isEqualTo("rw-------");
        Set<PosixFilePermission> groupOrOthers = PosixFilePermissions.fromString("---rwxrwx");
        Set<PosixFilePermission> others = PosixFilePermissions.fromString("------rwx");
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.filter(p -> !Files.isSymbolicLink(p)).toList()) {
                // Images and template memory are the jailed VMMs' to read, through their shared group.
                boolean vmmGroup = Integer.valueOf(JailConfig.DEFAULT_UID_BASE)
                        .equals(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS));
                assertThat(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))
                        .as(p.toString())
                        .doesNotContainAnyElementsOf(vmmGroup ? others : groupOrOthers);
            }
        }
        try (Stream<Path> state = Files.list(data.resolve("state"))) {
            assertThat(state.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("wal-"));
        }
        if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
            return; // setpriv needs root to become another user
        }
        // Let nobody reach the data directory's parent, so only the directory's own mode stops it.
        Path parent = data.getParent();
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path beside = Files.writeString(parent.resolve("public.txt"), "readable\n");
        Files.setPosixFilePermissions(beside, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(asNobody("cat", beside.toString()))
                .as("the check itself: nobody reads a public file there")
                .isEqualTo(0);
        assertThat(asNobody("ls", data.toString())).isNotZero();
        assertThat(asNobody("cat", data.resolve("env.key").toString())).isNotZero();
        assertThat(asNobody("ls", data.resolve("state").toString())).isNotZero();
        assertThat(asNobody("cat", data.resolve("admin-token").toString())).isNotZero();
    }

    private static int asNobody(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
