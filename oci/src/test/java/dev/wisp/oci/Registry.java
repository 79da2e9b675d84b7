package dev.wisp.oci;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) for a test class: our own config,
 * storage in a temp dir, listening on 127.0.0.1 on a free port; optionally TLS with a self-signed
 * certificate and htpasswd basic auth. Started before the class's tests, stopped after.
 */
final class Registry implements BeforeAllCallback, AfterAllCallback {
    static final String USER = "wisp";
    static final String PASSWORD = "s3cret-pass";

    private final boolean secure;
    private Path dir;
    private Process process;
    private int port;

    private Registry(boolean secure) {
        this.secure = secure;
    }

    /** Plain HTTP, anonymous. */
    static Registry plain() {
        return new Registry(false);
    }

    /** HTTPS with a self-signed certificate for 127.0.0.1, basic auth for {@link #USER}. */
    static Registry tlsWithAuth() {
        return new Registry(true);
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    /** The PEM certificate the TLS registry serves (its own CA). */
    Path caFile() {
        return dir.resolve("cert.pem");
    }

    /** The registry's storage of a blob, to tamper with. */
    Path blobData(Digest d) {
        return dir.resolve("storage/docker/registry/v2/blobs/sha256")
                .resolve(d.hex().substring(0, 2))
                .resolve(d.hex())
                .resolve("data");
    }

    /** GETs of a repository's blob in the registry's access log. */
    long blobGets(String repo, Digest d) throws IOException {
        String path = "\"GET /v2/" + repo + "/blobs/" + d;
        return Files.readAllLines(dir.resolve("registry.log")).stream()
                .filter(l -> l.contains(path))
                .count();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("wisp-registry-");
        port = freePort();
        StringBuilder cfg = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: info\n  accesslog:\n    disabled: false\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ")
                .append(dir.resolve("storage"))
                .append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:")
                .append(port)
                .append('\n');
        if (secure) {
            Tools.run(
                    dir,
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=localhost",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout",
                    dir.resolve("key.pem").toString(),
                    "-out",
                    dir.resolve("cert.pem").toString());
            String line = Tools.run(dir, "htpasswd", "-Bbn", USER, PASSWORD).strip();
            Files.writeString(dir.resolve("htpasswd"), line + "\n");
            cfg.append("  tls:\n    certificate: ")
                    .append(dir.resolve("cert.pem"))
                    .append("\n    key: ")
                    .append(dir.resolve("key.pem"))
                    .append('\n')
                    .append("auth:\n  htpasswd:\n    realm: wisp-test\n    path: ")
                    .append(dir.resolve("htpasswd"))
                    .append('\n');
        }
        Files.writeString(dir.resolve("config.yml"), cfg.toString());
        process = new ProcessBuilder(
                        "/usr/bin/docker-registry",
                        "serve",
                        dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        awaitUp();
    }

    private void awaitUp() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(secure ? insecureContext() : javax.net.ssl.SSLContext.getDefault())
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        URI uri = URI.create((secure ? "https" : "http") + "://" + host() + "/v2/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                int sc = http.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (sc == 200 || sc == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("docker-registry did not answer on " + uri + " within 60 s");
    }

    /** Only to wait for the registry to listen; the tests' client verifies the certificate. */
    private static javax.net.ssl.SSLContext insecureContext() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(
                null,
                new javax.net.ssl.TrustManager[] {
                    new javax.net.ssl.X509TrustManager() {
                        public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

                        public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

                        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                            return new java.security.cert.X509Certificate[0];
                        }
                    }
                },
                null);
        return ctx;
    }

    /** Pushes an OCI layout's tag to this registry with skopeo. */
    void push(Path layout, String tag, String repoAndTag) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
        if (secure) {
            cmd.add("--dest-creds=" + USER + ":" + PASSWORD);
        }
        cmd.add("oci:" + layout + ":" + tag);
        cmd.add("docker://" + host() + "/" + repoAndTag);
        Tools.run(layout.getParent(), cmd.toArray(String[]::new));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        Tools.deleteTree(dir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
