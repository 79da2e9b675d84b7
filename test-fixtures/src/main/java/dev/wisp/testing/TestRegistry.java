package dev.wisp.testing;

import dev.wisp.common.HostCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) on 127.0.0.1, storage in a
 * folder the caller owns: plain HTTP and anonymous, or HTTPS with a self-signed certificate (its own
 * CA, {@link #caFile()}) and htpasswd basic auth for {@link #USER}. (The oci module's tests keep
 * their own.)
 */
public final class TestRegistry implements AutoCloseable {
    /** The user of a TLS registry. */
    public static final String USER = "wisp";

    /** Its password. */
    public static final String PASSWORD = "s3cret-pass";

    private final Process process;
    private final int port;
    private final Path dir;
    private final boolean secure;

    private TestRegistry(Process process, int port, Path dir, boolean secure) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.secure = secure;
    }

    /** Starts a plain HTTP registry storing under {@code dir} and waits until it listens (60 s at most). */
    public static TestRegistry start(Path dir) throws Exception {
        return start(dir, false);
    }

    /** Starts an HTTPS registry with basic auth for {@link #USER} under {@code dir}. */
    public static TestRegistry startTls(Path dir) throws Exception {
        return start(dir, true);
    }

    private static TestRegistry start(Path dir, boolean secure) throws Exception {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringBuilder cfg = new StringBuilder("version: 0.1\nlog:\n  level: info\nstorage:\n"
                + "  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\nhttp:\n  addr: 127.0.0.1:"
                + port + "\n");
        if (secure) {
            HostCommands.run(
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
            String line =
                    HostCommands.run(dir, "htpasswd", "-Bbn", USER, PASSWORD).strip();
            Files.writeString(dir.resolve("htpasswd"), line + "\n");
            cfg.append("  tls:\n    certificate: ")
                    .append(dir.resolve("cert.pem"))
                    .append("\n    key: ")
                    .append(dir.resolve("key.pem"))
                    .append("\nauth:\n  htpasswd:\n    realm: wisp-test\n    path: ")
                    .append(dir.resolve("htpasswd"))
                    .append('\n');
        }
        Files.writeString(dir.resolve("config.yml"), cfg);
        Process p = new ProcessBuilder(
                        "/usr/bin/docker-registry",
                        "serve",
                        dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        TestRegistry r = new TestRegistry(p, port, dir, secure);
        r.awaitListening();
        return r;
    }

    /** {@code 127.0.0.1:PORT}, the host part of references to this registry. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The PEM certificate a TLS registry serves (its own CA). */
    public Path caFile() {
        return dir.resolve("cert.pem");
    }

    /** Pushes a tag of an OCI layout here with skopeo (with {@link #USER}'s credentials when TLS). */
    public void push(Path layout, String tag, String repoAndTag) throws Exception {
        if (!secure) {
            OciTestImage.push(layout, tag, host(), repoAndTag);
            return;
        }
        HostCommands.run(
                layout.getParent(),
                "skopeo",
                "copy",
                "--quiet",
                "--dest-tls-verify=false",
                "--dest-creds=" + USER + ":" + PASSWORD,
                "oci:" + layout + ":" + tag,
                "docker://" + host() + "/" + repoAndTag);
    }

    /** Waits until the registry accepts connections; the tests' clients check what it answers. */
    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("docker-registry did not listen on " + host() + " within 60 s");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
