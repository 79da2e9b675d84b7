package dev.wisp.cli;

import dev.wisp.sdk.Revision;
import dev.wisp.sdk.WispClient;
import java.util.function.Function;
import picocli.CommandLine.Mixin;

/** A command that moves a service's traffic to a revision, waits for it ({@link RevisionWaitOptions}) and prints it. */
abstract class RevisionCommand extends TenantApiCommand {
    @Mixin
    RevisionWaitOptions wait;

    @Mixin
    JsonOption json;

    /** Waits for {@code accepted} to serve (unless --no-wait) and prints it: JSON, or the line {@code text} makes. */
    int settleAndPrint(WispClient wisp, String service, Revision accepted, Function<Revision, String> text)
            throws InterruptedException {
        Revision rev = wait.settle(wisp, service, accepted, this::log);
        out().println(json.on ? Json.pretty(rev) : text.apply(rev));
        return 0;
    }

    /** Progress goes to stderr so stdout stays the result (and --json stays parseable). */
    void log(String format, Object... args) {
        progress().accept(String.format(format, args));
    }
}
