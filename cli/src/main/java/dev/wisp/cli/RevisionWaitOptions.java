package dev.wisp.cli;

import dev.wisp.sdk.Revision;
import dev.wisp.sdk.WispClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --no-wait} and {@code --wait-timeout} of the commands that move traffic to a revision. */
final class RevisionWaitOptions {
    @Option(names = "--no-wait", description = "Return once the control plane accepted the change.")
    boolean noWait;

    @Option(
            names = "--wait-timeout",
            defaultValue = "300s",
            paramLabel = "DURATION",
            description = "How long to wait for the revision to serve (default: ${DEFAULT-VALUE}).")
    Duration waitTimeout;

    /** The accepted revision as it is once it serves (or failed), or at once with {@code --no-wait}. */
    Revision settle(WispClient wisp, String service, Revision accepted, RevisionWait.Log log)
            throws InterruptedException {
        return noWait ? accepted : RevisionWait.untilServing(wisp, service, accepted.number(), waitTimeout, log);
    }
}
