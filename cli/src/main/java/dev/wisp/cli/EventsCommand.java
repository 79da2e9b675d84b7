package dev.wisp.cli;

import dev.wisp.sdk.Event;
import dev.wisp.sdk.EventSubscription;
import dev.wisp.sdk.Service;
import dev.wisp.sdk.WispApiException;
import dev.wisp.sdk.WispClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wisp events [NAME] [--follow]}: recent changes, or a live stream of them until Ctrl-C. */
@Command(name = "events", description = "Show recent events (of one service or all); --follow streams new ones.")
final class EventsCommand extends TenantApiCommand {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this service's events.")
    String name;

    @Option(
            names = {"-f", "--follow"},
            description =
                    "Keep streaming new events (server-sent events) until Ctrl-C; with --json one event per line.")
    boolean follow;

    @Option(
            names = "--for",
            paramLabel = "DURATION",
            description = "With --follow: stop after this long (for scripts).")
    Duration forDuration;

    @Option(
            names = "--until",
            paramLabel = "KIND",
            description = "With --follow: stop after the first event of this kind (e.g. service.deleted).")
    String until;

    @Option(
            names = "--after",
            paramLabel = "SEQ",
            description = "With --follow: start after this event's seq (those since are replayed), not at now.")
    Long after;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        WispClient wisp = api.client();
        if (!follow && (until != null || after != null || forDuration != null)) {
            throw new IllegalArgumentException("--for, --until and --after go with --follow");
        }
        if (!follow) {
            List<Event> events = recent(wisp);
            if (!json.printed(out(), events)) {
                events.forEach(e -> out().println(text(e)));
            }
            return 0;
        }
        if (name != null) {
            wisp.service(name); // a typo should fail now, not stream nothing forever
        }
        CountDownLatch stop = new CountDownLatch(1);
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        EventSubscription sub = wisp.events(
                after == null ? null : after.toString(),
                e -> {
                    if (name == null || name.equals(e.service())) {
                        synchronized (this) {
                            out().println(json.on ? Json.line(e) : text(e));
                            out().flush();
                        }
                        if (e.kind().equals(until)) {
                            stop.countDown();
                        }
                    }
                },
                t -> {
                    if (t instanceof WispApiException api && (api.status() == 401 || api.status() == 404)) {
                        fatal.add(t);
                        stop.countDown();
                    } else {
                        err().println("wisp: " + t.getMessage());
                        err().flush();
                    }
                });
        try {
            Thread hook = new Thread(stop::countDown);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (forDuration == null) {
                    stop.await();
                } else {
                    stop.await(forDuration.toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the JVM is already exiting
                }
            }
        } finally {
            sub.close();
        }
        if (!fatal.isEmpty()) {
            throw (WispApiException) fatal.get(0);
        }
        return 0;
    }

    private List<Event> recent(WispClient wisp) {
        if (name != null) {
            return wisp.serviceEvents(name);
        }
        List<Event> all = new ArrayList<>();
        for (Service s : wisp.services()) {
            all.addAll(wisp.serviceEvents(s.name()));
        }
        all.sort(Comparator.comparing(e -> e.seq() == null ? 0L : e.seq()));
        return all;
    }

    static String text(Event e) {
        StringBuilder b = new StringBuilder();
        b.append(e.at() == null ? "-" : e.at()).append("  ").append(e.kind());
        if (e.service() != null) {
            b.append("  ").append(e.service());
        }
        if (e.instance() != null) {
            b.append("  ").append(e.instance());
        }
        if (e.detail() != null && !e.detail().isEmpty()) {
            b.append("  ").append(e.detail());
        }
        return b.toString();
    }
}
