package dev.wisp.cli;

import dev.wisp.bench.HeyLoad;
import java.io.IOException;
import java.util.List;

/** A burst of GETs through the router with {@code hey}, for the demo. */
final class DemoBurst {
    private DemoBurst() {}

    static HeyLoad.Report run(String service, int routerPort, String path, int requests, int concurrency)
            throws InterruptedException {
        try {
            return HeyLoad.run(
                    routerPort,
                    service + ".localhost",
                    path,
                    List.of("-n", String.valueOf(requests), "-c", String.valueOf(concurrency)));
        } catch (HeyLoad.MissingHey e) {
            throw new Errors.HostException(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
