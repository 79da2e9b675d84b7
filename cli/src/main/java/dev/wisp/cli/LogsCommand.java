package dev.wisp.cli;

import dev.wisp.sdk.Instance;
import dev.wisp.sdk.WispClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code wisp logs NAME [INSTANCE]}: the console tail of one instance, or of each instance of the service. */
@Command(name = "logs", description = "Print the console of a service's instances (or of one instance).")
final class LogsCommand extends TenantCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Service name.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "INSTANCE", description = "Instance id (see: wisp status NAME).")
    String instance;

    @Override
    public Integer call() {
        WispClient wisp = client();
        if (instance != null) {
            out().print(ensureNewline(wisp.console(name, instance)));
            return 0;
        }
        List<Instance> instances = wisp.instances(name);
        if (instances.isEmpty()) {
            err().println("wisp: " + name + " has no instances (scaled to zero); a request wakes one");
            return 0;
        }
        for (Instance i : instances) {
            if (instances.size() > 1) {
                out().println("==> " + i.id() + " (" + i.tier() + ") <==");
            }
            out().print(ensureNewline(wisp.console(name, i.id())));
        }
        return 0;
    }

    private static String ensureNewline(String s) {
        return s.isEmpty() || s.endsWith("\n") ? s : s + "\n";
    }
}
