package dev.wisp.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The two nginx processes of {@link RouterBenchmark}: the backend answering a fixed body from
 * memory, and the reverse proxy the router is compared with, configured to do the same work.
 */
final class RouterBenchNginx {
    private RouterBenchNginx() {}

    /** A single-worker nginx answering {@code body} (one line) to every request. */
    static NginxProcess backend(String nginxPath, Path dir, int port, String body)
            throws IOException, InterruptedException {
        return NginxProcess.start(
                nginxPath,
                dir,
                "backend",
                1,
                port,
                "",
                "    location / { default_type text/plain; return 200 \"" + body.trim() + "\\n\"; }");
    }

    /**
     * A proxy to the backend with a keepalive upstream, HTTP/1.1 and the same {@code
     * X-Forwarded-*} and {@code X-Request-Id} headers the router adds.
     */
    static NginxProcess proxy(String nginxPath, Path dir, int workers, int port, int backendPort)
            throws IOException, InterruptedException {
        return NginxProcess.start(
                nginxPath,
                dir,
                "proxy",
                workers,
                port,
                "  upstream wisp_backend { server 127.0.0.1:" + backendPort
                        + "; keepalive 128; keepalive_requests 1000000; }",
                String.join(
                        "\n",
                        "    location / {",
                        "      proxy_pass http://wisp_backend;",
                        "      proxy_http_version 1.1;",
                        "      proxy_set_header Connection \"\";",
                        "      proxy_set_header Host $host;",
                        "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                        "      proxy_set_header X-Forwarded-Proto $scheme;",
                        "      proxy_set_header X-Forwarded-Host $host;",
                        "      proxy_set_header X-Request-Id $request_id;",
                        "    }"));
    }
}
