package dev.wisp.cli;

import dev.wisp.sdk.Function;
import dev.wisp.sdk.FunctionDeploy;
import dev.wisp.sdk.Invocation;
import dev.wisp.sdk.InvocationLogEntry;
import dev.wisp.sdk.RetrySettings;
import dev.wisp.sdk.WispClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wisp fn ...}: serverless functions on the control plane ({@code /v1/functions}, docs/api.md),
 * through the SDK like the other control plane commands ({@code --api}, {@code --token}, {@code --tenant}).
 */
@Command(
        name = "fn",
        description =
                "Serverless functions on the control plane: deploy a handler (shell, static binary, Java), invoke it.",
        subcommands = {
            FnCommand.Deploy.class,
            FnCommand.Ls.class,
            FnCommand.Invoke.class,
            FnCommand.Get.class,
            FnCommand.DeadLetters.class,
            FnCommand.Logs.class,
            FnCommand.Rm.class
        })
final class FnCommand {
    private FnCommand() {}

    /** Options every {@code fn} subcommand shares. */
    abstract static class ApiCommand extends TenantApiCommand {
        @Mixin
        JsonOption json;

        /** Calls may last as long as the function's timeout (at most 15 min), so the client waits longer than usual. */
        WispClient client() {
            return api.clientBuilder().requestTimeout(Duration.ofMinutes(16)).build();
        }
    }

    /** A subcommand on one function, named first. */
    abstract static class OnFunction extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Function name (1-30 of a-z, 0-9, '-').")
        String name;
    }

    @Command(
            name = "deploy",
            description = "Upload a handler; the control plane builds its image and answers once an instance runs.")
    static final class Deploy extends OnFunction {
        @Option(
                names = "--runtime",
                required = true,
                paramLabel = "shell|binary|java",
                description = "How the handler runs.")
        String runtime;

        @Option(
                names = "--handler",
                required = true,
                paramLabel = "PATH",
                description = "Script, static executable, jar, or one .java file (java).")
        Path handler;

        @Option(
                names = "--class",
                paramLabel = "CLASS",
                description = "Java: the Function class (default: the jar's Wisp-Function-Class or Main-Class).")
        String handlerClass;

        @Mixin
        ResourceOptions resources;

        @Option(
                names = "--concurrency",
                paramLabel = "N",
                description = "Reserved concurrency: calls past it get 429 (default 10).")
        Integer concurrency;

        @Option(
                names = "--instance-concurrency",
                paramLabel = "N",
                description =
                        "Calls one instance serves at once, 1..--concurrency: the autoscaler's target (default 4, java 8).")
        Integer instanceConcurrency;

        @Option(
                names = "--max-attempts",
                paramLabel = "N",
                description = "Async attempts before the dead-letter list (default 3).")
        Integer maxAttempts;

        @Option(
                names = "--backoff",
                paramLabel = "DURATION",
                description = "Wait before the first retry, doubled each time (default 1s).")
        String backoff;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                description = "Longest one attempt may take (default 60s).")
        String timeout;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(handler)) {
                throw new IllegalArgumentException("handler not found (or not a file): " + handler);
            }
            byte[] bytes = Files.readAllBytes(handler);
            boolean text =
                    runtime.equals("shell") || handler.getFileName().toString().endsWith(".java");
            FunctionDeploy base = FunctionDeploy.of(name, runtime, bytes, text);
            RetrySettings retry =
                    maxAttempts == null && backoff == null ? null : new RetrySettings(maxAttempts, backoff, null);
            FunctionDeploy spec = new FunctionDeploy(
                    name,
                    runtime,
                    base.handler(),
                    base.handlerBase64(),
                    handlerClass,
                    resources.resources(),
                    concurrency,
                    instanceConcurrency,
                    retry,
                    timeout);
            err().printf("deploying function '%s' (%s, %d bytes)...%n", name, runtime, bytes.length);
            err().flush();
            long t0 = System.nanoTime();
            Function f = client().deployFunction(spec);
            if (json.printed(out(), f)) {
                return 0;
            }
            out().printf(
                            "function '%s' ready in %.1f s (image %s)%n",
                            f.name(), (System.nanoTime() - t0) / 1e9, f.image());
            out().printf(
                            "  scales 0..%d instances, %d calls each, %d at most in all%n",
                            f.maxInstances(), f.instanceConcurrency(), f.reservedConcurrency());
            out().printf("  wisp fn invoke %s --data hi [--async [--wait]]%n", f.name());
            return 0;
        }
    }

    @Command(name = "ls", description = "List functions.")
    static final class Ls extends ListCommand<Function> {
        Ls() {
            super(new TenantApiOptions(), "NAME", "RUNTIME", "STATE", "MEMORY", "CONCURRENCY", "IN FLIGHT", "CREATED");
        }

        @Override
        List<Function> items(WispClient wisp) {
            return wisp.functions();
        }

        @Override
        Object[] cells(Function f) {
            String memory = f.resources() == null ? null : f.resources().memoryMiB() + " MiB";
            return new Object[] {
                f.name(), f.runtime(), f.state(), memory, f.reservedConcurrency(), f.inFlight(), f.createdAt()
            };
        }
    }

    @Command(
            name = "invoke",
            description = "Call a function: prints its answer, or with --async the invocation id (--wait: its result).")
    static final class Invoke extends OnFunction {
        @Option(
                names = {"-d", "--data"},
                paramLabel = "TEXT|@FILE",
                description = "Request body (default empty).")
        String data;

        @Option(
                names = "--content-type",
                defaultValue = "text/plain",
                paramLabel = "TYPE",
                description = "Request Content-Type (default: ${DEFAULT-VALUE}).")
        String contentType;

        @Option(names = "--async", description = "Queue it: answers 202 with an id; retried with back-off.")
        boolean async;

        @Option(names = "--callback", paramLabel = "URL", description = "With --async: POST the result here when done.")
        String callback;

        @Option(names = "--wait", description = "With --async: poll until it is done and print it.")
        boolean await;

        @Override
        public Integer call() throws Exception {
            byte[] body = data == null
                    ? new byte[0]
                    : data.startsWith("@")
                            ? Files.readAllBytes(Path.of(data.substring(1)))
                            : data.getBytes(StandardCharsets.UTF_8);
            WispClient wisp = client();
            if (!async) {
                HttpResponse<byte[]> r = wisp.invoke(name, body, contentType);
                boolean apiError = r.statusCode() >= 400
                        && r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                        && new String(r.body(), StandardCharsets.UTF_8).startsWith("{\"error\"");
                if (apiError) {
                    throw wisp.errorOf(r.statusCode(), r.body());
                }
                out().print(new String(r.body(), StandardCharsets.UTF_8));
                out().flush();
                return r.statusCode() < 400 ? 0 : Main.EXIT_FAILED;
            }
            String id = wisp.invokeAsync(name, body, contentType, callback).id();
            if (!await) {
                out().println(json.on ? Json.line(new dev.wisp.sdk.InvocationAccepted(id)) : id);
                return 0;
            }
            for (; ; ) {
                Invocation inv = wisp.invocation(name, id);
                if ("succeeded".equals(inv.state()) || "dead".equals(inv.state())) {
                    print(inv);
                    return "succeeded".equals(inv.state()) ? 0 : Main.EXIT_FAILED;
                }
                Thread.sleep(200);
            }
        }

        private void print(Invocation inv) {
            if (json.on) {
                out().println(Json.pretty(inv));
            } else if ("succeeded".equals(inv.state())) {
                out().print(inv.body() == null ? "" : inv.body());
            } else {
                err().printf(
                                "wisp: invocation %s is dead after %d attempts: %s%n",
                                inv.id(), inv.attempts(), inv.error());
            }
        }
    }

    @Command(name = "get", description = "Show an async invocation: state, attempts, status, body, error.")
    static final class Get extends OnFunction {
        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            out().println(Json.pretty(client().invocation(name, id)));
            return 0;
        }
    }

    @Command(name = "dead-letters", description = "Async invocations of a function whose every attempt failed.")
    static final class DeadLetters extends ListCommand<Invocation> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        DeadLetters() {
            super(new TenantApiOptions(), "ID", "ATTEMPTS", "STATUS", "ERROR", "CREATED");
        }

        @Override
        List<Invocation> items(WispClient wisp) {
            return wisp.deadLetters(name);
        }

        @Override
        Object[] cells(Invocation i) {
            return new Object[] {i.id(), i.attempts(), i.status(), i.error(), i.createdAt()};
        }
    }

    @Command(name = "logs", description = "A function's latest calls, sync and async: outcome, status, duration.")
    static final class Logs extends ListCommand<InvocationLogEntry> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        Logs() {
            super(new TenantApiOptions(), "AT", "ID", "MODE", "ATTEMPTS", "STATUS", "OUTCOME", "MS");
        }

        @Override
        List<InvocationLogEntry> items(WispClient wisp) {
            return wisp.functionLogs(name);
        }

        @Override
        Object[] cells(InvocationLogEntry e) {
            String at = e.atMs() == null ? null : Instant.ofEpochMilli(e.atMs()).toString();
            return new Object[] {at, e.id(), e.mode(), e.attempts(), e.status(), e.outcome(), e.durationMs()};
        }
    }

    @Command(name = "rm", description = "Delete a function: its instances stop, its invocation records go.")
    static final class Rm extends OnFunction {
        @Override
        public Integer call() {
            client().deleteFunction(name);
            out().println("deleted " + name);
            return 0;
        }
    }
}
