package dev.wisp.cli;

import dev.wisp.sdk.Instance;
import dev.wisp.sdk.WispClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code wisp logs NAME [INSTANCE]}: the console tail of one instance, or of each instance of the service. */
@Command(name = "logs", description = "Print the console of a service's instances (or of one instance).")
final class LogsCommand extends TenantApiCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Service name.")
    String name;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "INSTANCE",
            description = "Instance id (see: wisp status NAME).")
    String instance;

    @Override
    public Integer call() {
        WispClient wisp = api.client();
        if (instance != null) {
            out().print(ensureNewline(wisp.console(name, instance)));
            return 0;
        }
        List<Instance> instances = wisp.instances(name);
        if (instances.isEmpty()) {
            dev.wisp.sdk.Failure f = wisp.service(name).failure();
            if (f != null) {
                // No instance because none could start: the failed start's console is the log there is.
                err().println("wisp: " + name + " has no instances: revision " + f.revision() + " cannot start: "
                        + f.reason());
                if (f.console() != null) {
                    f.console().forEach(l -> out().println(l));
                }
                return 0;
            }
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
