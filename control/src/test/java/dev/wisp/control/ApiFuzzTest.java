package dev.wisp.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random abuse of the API over raw sockets (so malformed requests reach the server as
 * sent): malformed JSON, huge bodies, bad names, negative and huge sizes, wrong types, bad
 * methods, path traversal, broken HTTP. Every answer must be a 4xx JSON error, and the server
 * must keep answering.
 */
class ApiFuzzTest {
    @TempDir
    Path dir;

    private static final long SEED = 20261122L;
    private static final int REQUESTS = 600;

    @Test
    void randomBadRequests_getOnly4xxAndTheServerKeepsAnswering() throws Exception {
        try (ControlPlane cp = ControlPlane.start(
                Guests.noVmConfig(dir, dir.resolve("data")).withLimits(64 * 1024, 1024 * 1024, 100_000, 100_000))) {
            String admin = Guests.adminToken(cp);
            Random random = new Random(SEED);
            TreeMap<Integer, Integer> statuses = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String request = request(random, admin);
                int status = send(cp.apiPort(), request);
                statuses.merge(status, 1, Integer::sum);
                boolean publicPage =
                        status == 200 && (request.startsWith("GET /dashboard") || request.startsWith("GET /?"));
                if ((status < 400 || status > 499) && !publicPage) { // the dashboard's files are public by design
                    failures.add(status + " for " + request.substring(0, Math.min(200, request.length())));
                }
            }
            assertThat(failures)
                    .as("non-4xx answers (statuses seen: %s)", statuses)
                    .isEmpty();
            assertThat(new Http(cp.apiUrl()).get("/v1/health", null).status()).isEqualTo(200);
            assertThat(new Http(cp.apiUrl()).get("/v1/services", admin).status())
                    .isEqualTo(200);
        }
    }

    private static final String[] PATHS = {
        "/v1/services",
        "/v1/services/%s",
        "/v1/services/%s/deploy",
        "/v1/services/%s/rollback",
        "/v1/services/%s/revisions",
        "/v1/services/%s/instances/%s/console",
        "/v1/tenants",
        "/v1/tenants/%s",
        "/v1/tenants/%s/tokens",
        "/v1/tenants/%s/tokens/%s",
        "/v1/images",
        "/v1/images/%s",
        "/v1/nodes",
        "/v1/%s",
        "/dashboard/%s",
        "/%s"
    };
    private static final String[] NAMES = {
        "",
        "-",
        "a--b",
        "UPPER",
        "..",
        "..%2f..%2fetc%2fpasswd",
        "a".repeat(31),
        "%00",
        "x y",
        "ok-name",
        "default",
        "$(id)",
        "%2e%2e",
        "tok_zzz",
        "1234567890abcdef",
        "null"
    };
    private static final String[] BAD_TENANTS = {
        "", "-", "a--b", "UPPER", "..", "%2e%2e", "a".repeat(31), "nobody", "x%00y"
    };
    private static final String[] METHODS = {"GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "TRACE", "FOO"};
    private static final String[] BODIES = {
        "{",
        "[]",
        "null",
        "\"str\"",
        "{\"name\":123}",
        "{\"name\":\"a--b\"}",
        "{\"name\":\"ok\",\"image\":\"zzz\"}",
        "{\"name\":\"ok\",\"image\":\"0123456789abcdef\"}",
        "{\"name\":\"ok\",\"image\":\"0123456789abcdef\",\"resources\":{\"vcpus\":-1,\"memoryMiB\":-5}}",
        "{\"name\":\"ok\",\"scaling\":{\"min\":-1,\"max\":1e99}}",
        "{\"revision\":-3}",
        "{\"revision\":1.5}",
        "{\"quota\":{\"vcpus\":\"many\"},\"name\":\"q\"}",
        "{\"scaling\":{\"stableWindow\":\"forever\"}}",
        "{\"env\":{\"A\":\"\\\"quoted\\\"\"}}",
        "{\"standby\":{\"policy\":\"nap\"}}",
        "{\"access\":\"secret\"}",
        "{\"unknown\":true}",
        "{\"name\":\"" + "\u00e9".repeat(40) + "\"}",
        "\u0000\u0001\u0002"
    };

    private static String request(Random r, String admin) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            return "GARBAGE / HTTP/9.9\r\n\r\n";
        }
        if (kind == 1) {
            return "GET /" + "a".repeat(5000 + r.nextInt(3000)) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        }
        String path = String.format(
                PATHS[r.nextInt(PATHS.length)], NAMES[r.nextInt(NAMES.length)], NAMES[r.nextInt(NAMES.length)]);
        String method = METHODS[r.nextInt(METHODS.length)];
        if (r.nextInt(5) == 0 || method.equals("GET")) {
            // A GET is harmless by itself; the fuzz is in the tenant it names (none of these exist).
            path += "?tenant=" + BAD_TENANTS[r.nextInt(BAD_TENANTS.length)];
        }
        String body = kind == 2
                ? "{\"name\":\"" + "x".repeat(70_000 + r.nextInt(10_000)) + "\"}"
                : BODIES[r.nextInt(BODIES.length)];
        String token = switch (r.nextInt(4)) {
            case 0 -> "";
            case 1 -> "Authorization: Bearer wisp_" + "b".repeat(32) + "\r\n";
            default -> "Authorization: Bearer " + admin + "\r\n";
        };
        String type = r.nextBoolean() ? "application/json" : "text/plain";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n" + token + "Content-Type: " + type
                + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body;
    }

    private static int send(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before reading a body it refuses
            }
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            if (!line.startsWith("HTTP/1.1 ")) {
                return -1;
            }
            return Integer.parseInt(line.substring(9, 12));
        }
    }
}
