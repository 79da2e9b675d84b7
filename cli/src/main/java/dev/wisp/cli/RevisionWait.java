package dev.wisp.cli;

import dev.wisp.sdk.Failure;
import dev.wisp.sdk.Revision;
import dev.wisp.sdk.WispClient;
import java.time.Duration;
import java.util.List;

/**
 * Polls a service's revisions until one serves, fails or the wait runs out. A revision whose app
 * failed to start ends the wait at its first failed start: the platform retries with back-off,
 * but a user deploying wants the reason now, not after the retries.
 */
final class RevisionWait {
    private static final Duration POLL = Duration.ofMillis(250);

    private RevisionWait() {}

    interface Log {
        void log(String format, Object... args);
    }

    static Revision untilServing(WispClient wisp, String service, int number, Duration timeout, Log log)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (true) {
            Revision r = wisp.revisions(service).stream()
                    .filter(x -> x.number() != null && x.number() == number)
                    .findFirst()
                    .orElse(null);
            String state = r == null ? "pending" : r.state();
            if (!state.equals(last)) {
                log.log("  revision %d: %s", number, state);
                last = state;
            }
            if ("serving".equals(state)) {
                return r;
            }
            if ("failed".equals(state) || r != null && r.failure() != null) {
                throw failed(service, r);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("revision " + number + " of " + service + " not serving after "
                        + timeout.toSeconds() + " s (state " + state + "; --wait-timeout to wait longer)");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static FailedException failed(String service, Revision r) {
        Failure f = r.failure();
        String why = "failed".equals(r.state()) && r.message() != null
                ? r.message()
                : f != null ? f.reason() : "no reason given";
        String retries = "failed".equals(r.state())
                ? ""
                : " (" + f.attempts() + " failed start" + (f.attempts() == 1 ? "" : "s") + "; the platform retries with"
                        + " back-off and marks it failed after 3)";
        return new FailedException(
                "revision " + r.number() + " of " + service + " "
                        + ("failed".equals(r.state()) ? "failed" : "cannot start") + ": " + why + retries
                        + " (see: wisp status " + service + ")",
                f == null || f.console() == null ? List.of() : f.console());
    }

    /** A revision that cannot start: the reason and the guest console's last lines. */
    static final class FailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<String> console;

        FailedException(String message, List<String> console) {
            super(message);
            this.console = List.copyOf(console);
        }

        List<String> console() {
            return console;
        }
    }
}
