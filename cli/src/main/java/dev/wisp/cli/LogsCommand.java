package dev.wisp.cli;

import dev.wisp.sdk.Failure;
import dev.wisp.sdk.LogFilter;
import dev.wisp.sdk.LogLine;
import dev.wisp.sdk.WispClient;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wisp logs NAME}: the app's stdout and stderr of a service's instances (live and gone), each
 * line with the time the host read it, the instance and the stream; {@code --follow} goes on with new
 * lines until Ctrl-C.
 */
@Command(
        name = "logs",
        description = "Print the app's output of a service's instances (kernel lines with --kernel or --all).")
final class LogsCommand extends TenantApiCommand {
    @Mixin
    ServiceName service;

    @Parameters(index = "1", arity = "0..1", paramLabel = "INSTANCE", description = "Instance id (same as --instance).")
    String instanceArg;

    @Option(names = "--instance", paramLabel = "ID", description = "Only this instance (see: wisp status NAME).")
    String instance;

    @Option(names = "--revision", paramLabel = "N", description = "Only this revision's instances.")
    Integer revision;

    @Option(
            names = "--since",
            paramLabel = "WHEN",
            description = "Only lines since a time ago (10m, 2h, 30s, 1d) or an RFC 3339 time.")
    String since;

    @Option(names = "--tail", paramLabel = "N", description = "At most the newest N lines (default 500, max 10000).")
    Integer tail;

    @Option(names = "--kernel", description = "The kernel's and init's console lines instead of the app's.")
    boolean kernel;

    @Option(names = "--all", description = "The app's and the kernel's lines together.")
    boolean all;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines until Ctrl-C.")
    boolean follow;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (kernel && all) {
            err().println("wisp: --kernel and --all exclude each other");
            return Main.EXIT_USAGE;
        }
        if (instance != null && instanceArg != null && !instance.equals(instanceArg)) {
            err().println("wisp: two different instances given (" + instanceArg + ", --instance " + instance + ")");
            return Main.EXIT_USAGE;
        }
        String stream = kernel ? "kernel" : all ? "all" : null;
        LogFilter filter = new LogFilter(instance != null ? instance : instanceArg, revision, since, stream, tail);
        WispClient wisp = api.client();
        if (follow) {
            CountDownLatch ended = new CountDownLatch(1);
            try (Closeable stream0 = wisp.followLogs(service.name, filter, this::print, ended::countDown)) {
                ended.await(); // until the server ends the stream or Ctrl-C ends the process
            }
            err().println("wisp: the log stream ended");
            return 0;
        }
        List<LogLine> lines = wisp.logs(service.name, filter);
        lines.forEach(this::print);
        explain(wisp, lines.isEmpty());
        return 0;
    }

    private void print(LogLine l) {
        out().println(format(l));
        out().flush();
    }

    /** {@code TIME INSTANCE STREAM TEXT}: the host's receive time, so lines of several instances sort together. */
    static String format(LogLine l) {
        return l.at() + " " + l.instance() + " " + l.stream() + " " + l.text();
    }

    /** Says why there is nothing (more) to see: no match, scaled to zero, or a revision that cannot start. */
    private void explain(WispClient wisp, boolean empty) {
        if (!wisp.instances(service.name).isEmpty()) {
            if (empty) {
                err().println("wisp: no lines match (the app printed nothing yet, or try --all or a wider --since)");
            }
            return;
        }
        Failure f = wisp.service(service.name).failure();
        if (f != null) {
            err().println("wisp: " + service.name + " has no instances: revision " + f.revision() + " cannot start: "
                    + f.reason());
            if (empty && f.console() != null) {
                // Retained lines gone (or filtered out): the failed start's console is the log there is.
                f.console().forEach(l -> out().println(l));
            }
        } else if (empty) {
            err().println("wisp: " + service.name + " has no instances (scaled to zero) and no retained lines match");
        }
    }
}
