package dev.wisp.cli;

import dev.wisp.sdk.Revision;
import dev.wisp.sdk.WispClient;

import java.time.Duration;

/** Polls a service's revisions until one serves, fails or the wait runs out. */
final class RevisionWait {
    private static final Duration POLL = Duration.ofMillis(250);

    private RevisionWait() {
    }

    interface Log {
        void log(String format, Object... args);
    }

    static Revision untilServing(WispClient wisp, String service, int number, Duration timeout, Log log)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (true) {
            Revision r = wisp.revisions(service).stream().filter(x -> x.number() != null && x.number() == number)
                    .findFirst().orElse(null);
            String state = r == null ? "pending" : r.state();
            if (!state.equals(last)) {
                log.log("  revision %d: %s", number, state);
                last = state;
            }
            if ("serving".equals(state)) {
                return r;
            }
            if ("failed".equals(state)) {
                throw new IllegalStateException("revision " + number + " of " + service + " " + state
                        + (r.message() == null ? "" : ": " + r.message()) + " (see: wisp logs " + service + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("revision " + number + " of " + service + " not serving after "
                        + timeout.toSeconds() + " s (state " + state + "; --wait-timeout to wait longer)");
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
