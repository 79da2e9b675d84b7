package dev.wisp.cli;

import dev.wisp.sdk.SignInLink;

/** {@code wisp dashboard}: a one-time link that opens the dashboard signed in (admin token). */
@picocli.CommandLine.Command(
        name = "dashboard",
        description = "Print a one-time link (10 minutes) that opens the dashboard signed in as the admin.")
final class DashboardCommand extends AdminApiCommand {
    @Override
    public Integer call() {
        SignInLink link = api.client().signInLink();
        out().println(link.url());
        err().println("one-time link, valid until " + link.expiresAt() + "; it signs in whoever opens it first");
        return 0;
    }
}
