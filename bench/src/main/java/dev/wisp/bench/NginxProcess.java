package dev.wisp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An nginx child process with a generated configuration whose every path (pid, logs, temp
 * directories) lies in a private directory, listening on loopback only. Runs in the foreground
 * ({@code daemon off}) so that destroying the process stops it.
 */
final class NginxProcess implements AutoCloseable {
    private final Process process;
    private final Path errorLog;
    final int port;

    private NginxProcess(Process process, Path errorLog, int port) {
        this.process = process;
        this.errorLog = errorLog;
        this.port = port;
    }

    /**
     * @param server the body of the {@code server} block (the {@code listen} line is added)
     * @param httpExtra directives for the {@code http} block (e.g. an {@code upstream})
     */
    static NginxProcess start(
            String nginx, Path dir, String name, int workers, int port, String httpExtra, String server)
            throws IOException, InterruptedException {
        Path conf = dir.resolve(name + ".conf");
        Path errorLog = dir.resolve(name + "-error.log");
        String d = dir.toAbsolutePath().toString();
        boolean root = "root".equals(System.getProperty("user.name"));
        String text = String.join(
                "\n",
                root ? "user root root;" : "",
                "worker_processes " + workers + ";",
                "daemon off;",
                "master_process on;",
                "pid " + d + "/" + name + ".pid;",
                "error_log " + errorLog + " warn;",
                "events { worker_connections 4096; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + d + "/" + name + "-client-body;",
                "  proxy_temp_path " + d + "/" + name + "-proxy;",
                "  fastcgi_temp_path " + d + "/" + name + "-fastcgi;",
                "  uwsgi_temp_path " + d + "/" + name + "-uwsgi;",
                "  scgi_temp_path " + d + "/" + name + "-scgi;",
                // nginx closes a keep-alive connection after 1000 requests by default; the router
                // does not, so lift it to compare proxying rather than reconnecting.
                "  keepalive_requests 1000000;",
                "  keepalive_timeout 75s;",
                httpExtra,
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                server,
                "  }",
                "}",
                "");
        Files.writeString(conf, text, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(List.of(nginx, "-p", d, "-c", conf.toString(), "-e", errorLog.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + "-stdout.log").toFile())
                .start();
        NginxProcess n = new NginxProcess(p, errorLog, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                throw new IOException("nginx " + name + " exited: " + n.log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return n;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        n.close();
        throw new IOException("nginx " + name + " did not listen on " + port + ": " + n.log());
    }

    String log() {
        try {
            return Files.exists(errorLog) ? Files.readString(errorLog) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's fast shutdown, the master stops its workers
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
