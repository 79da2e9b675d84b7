package dev.wisp.bench;

import dev.wisp.node.Node;
import dev.wisp.node.ServiceStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Waits, bounded, for a benchmark's service to stand where a round needs it: running, or asleep in
 * one standby tier. A service sinks through its tiers on its own clock, so on a busy host it can
 * pass the tier a round waits for; then one untimed request wakes it and it sinks again.
 */
final class ServiceTiers {
    static final Duration WAIT = Duration.ofSeconds(90);
    /** The tiers in the order an idle instance sinks through them. */
    private static final List<String> SINKING = List.of("running", "paused", "snapshotted");

    private ServiceTiers() {}

    static boolean running(ServiceStatus s) {
        return settledIn(s, "running") && s.instances().get(0).port() > 0;
    }

    static boolean settledIn(ServiceStatus s, String tier) {
        return s.instances().size() == 1
                && s.instances().get(0).tier().equals(tier)
                && !s.instances().get(0).busy();
    }

    /** Waits until {@code service} settles in {@code tier}, waking it when it sank past it. */
    static void awaitTier(Node node, String service, String tier) throws IOException, InterruptedException {
        int wanted = SINKING.indexOf(tier);
        await(node, service, s -> {
            if (settledIn(s, tier)) {
                return true;
            }
            boolean sankPast = s.instances().isEmpty()
                    || (s.instances().size() == 1
                            && !s.instances().get(0).busy()
                            && SINKING.indexOf(s.instances().get(0).tier()) > wanted);
            if (sankPast) {
                wake(node, service);
            }
            return false;
        });
    }

    static void await(Node node, String service, Predicate<ServiceStatus> condition)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.test(node.status(service).orElseThrow())) {
            if (System.nanoTime() > deadline) {
                throw new IOException(service + " did not reach the expected tier within " + WAIT.toSeconds() + " s: "
                        + node.status(service).orElseThrow());
            }
            Thread.sleep(20);
        }
    }

    private static void wake(Node node, String service) {
        try {
            HttpProbe.timedGet(node.routerPort(), service + ".localhost", "/");
        } catch (IOException e) {
            // The next status read says where it stands; the deadline bounds the wait.
        }
    }
}
