package dev.wisp.cli;

import dev.wisp.cli.bench.HeyLoad;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A burst of GETs through the router with {@code hey}, and what hey counted. */
final class DemoBurst {
    /** Status code counts (transport errors under {@link HeyLoad#TRANSPORT_ERROR}), requests/s and the 99th percentile in ms. */
    record Result(Map<Integer, Integer> statuses, double requestsPerSecond, double p99Millis) {
        int ok() {
            return statuses.getOrDefault(200, 0);
        }

        int total() {
            return statuses.values().stream().mapToInt(Integer::intValue).sum();
        }

        String counts() {
            StringBuilder b = new StringBuilder();
            statuses.forEach((code, n) -> b.append(b.isEmpty() ? "" : ", ").append(n).append(" x ")
                    .append(code < 0 ? "error" : String.valueOf(code)));
            return b.toString();
        }
    }

    private DemoBurst() {
    }

    static Result run(String service, int routerPort, String path, int requests, int concurrency)
            throws InterruptedException {
        HeyLoad.Report r;
        try {
            r = HeyLoad.run(routerPort, service + ".localhost", path,
                    List.of("-n", String.valueOf(requests), "-c", String.valueOf(concurrency)));
        } catch (HeyLoad.MissingHey e) {
            throw new Errors.HostException(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return new Result(r.statuses(), r.requestsPerSecond(), r.p99Ms());
    }
}
