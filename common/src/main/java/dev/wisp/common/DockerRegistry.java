package dev.wisp.common;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) on 127.0.0.1 on a free port,
 * with its config, storage, access log ({@code registry.log}) and TLS material in a folder the
 * caller owns: plain HTTP and anonymous, or HTTPS with a self-signed certificate (its own CA,
 * {@link #caFile()}) and htpasswd basic auth for {@link #USER}. For the tests and benchmarks that
 * pull real images without a network.
 */
public final class DockerRegistry implements AutoCloseable {
    /** The user of a TLS registry. */
    public static final String USER = "wisp";

    /** Its password. */
    public static final String PASSWORD = "s3cret-pass";

    private static final long START_SECONDS = 60;

    private final Process process;
    private final int port;
    private final Path dir;
    private final boolean secure;

    /** Writes the config (and TLS files) and starts the registry; {@link #start} waits for it. */
    private DockerRegistry(Path dir, boolean secure) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        this.dir = dir;
        this.secure = secure;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        StringBuilder cfg = new StringBuilder("version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n"
                + "  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        if (secure) {
            cfg.append(tlsAndAuth(dir));
        }
        Files.writeString(dir.resolve("config.yml"), cfg);
        this.process = new ProcessBuilder(
                        "/usr/bin/docker-registry",
                        "serve",
                        dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
    }

    /** Starts a plain HTTP registry storing under {@code dir} and waits until it listens (60 s at most). */
    public static DockerRegistry start(Path dir) throws IOException, InterruptedException {
        return start(dir, false);
    }

    /** Starts an HTTPS registry with basic auth for {@link #USER} under {@code dir}. */
    public static DockerRegistry startTls(Path dir) throws IOException, InterruptedException {
        return start(dir, true);
    }

    private static DockerRegistry start(Path dir, boolean secure) throws IOException, InterruptedException {
        DockerRegistry r = new DockerRegistry(dir, secure);
        r.awaitListening();
        return r;
    }

    /** Makes a self-signed certificate for 127.0.0.1 and the htpasswd file; their config lines. */
    private static String tlsAndAuth(Path dir) throws IOException, InterruptedException {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        List<String> openssl = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes"));
        openssl.addAll(List.of("-days", "2", "-subj", "/CN=localhost"));
        openssl.addAll(List.of("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"));
        openssl.addAll(List.of("-keyout", key.toString(), "-out", cert.toString()));
        HostCommands.run(dir, openssl.toArray(String[]::new));
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(
                htpasswd,
                HostCommands.run(dir, "htpasswd", "-Bbn", USER, PASSWORD).strip() + "\n");
        return "  tls:\n    certificate: " + cert + "\n    key: " + key + "\n"
                + "auth:\n  htpasswd:\n    realm: wisp-test\n    path: " + htpasswd + "\n";
    }

    /** {@code 127.0.0.1:PORT}, the host part of references to this registry. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The folder it keeps everything in: {@code storage/}, {@code registry.log}, TLS files. */
    public Path dir() {
        return dir;
    }

    /** The PEM certificate a TLS registry serves (its own CA). */
    public Path caFile() {
        return dir.resolve("cert.pem");
    }

    /** Pushes a tag of an OCI layout here with skopeo (with {@link #USER}'s credentials when TLS). */
    public void push(Path layout, String tag, String repoAndTag) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
        if (secure) {
            cmd.add("--dest-creds=" + USER + ":" + PASSWORD);
        }
        cmd.add("oci:" + layout + ":" + tag);
        cmd.add("docker://" + host() + "/" + repoAndTag);
        HostCommands.run(layout.getParent(), cmd.toArray(String[]::new));
    }

    /** Waits until the registry accepts connections; the callers' clients check what it answers. */
    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        close();
        throw new IOException("docker-registry did not listen on " + host() + " within " + START_SECONDS + " s");
    }

    /** Stops the registry (its folder stays, the caller's). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
