package dev.wisp.control;

import dev.wisp.common.FileTrees;
import dev.wisp.functions.FunctionCall;
import dev.wisp.functions.FunctionException;
import dev.wisp.functions.FunctionInfo;
import dev.wisp.functions.FunctionResponse;
import dev.wisp.functions.FunctionRuntime;
import dev.wisp.functions.FunctionSpec;
import dev.wisp.functions.Functions;
import dev.wisp.functions.Invocation;
import dev.wisp.functions.InvocationView;
import dev.wisp.functions.RetryPolicy;
import dev.wisp.store.KeyValue;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Functions, tenant-scoped like services: {@code /v1/functions/...} (docs/api.md). The control plane
 * keeps each function's record and handler; the {@link Functions} facade runs it on the node under
 * an unguessable key, so two tenants' functions of one name never meet, and a foreign tenant's
 * function is a 404 like a missing one.
 *
 * @param handlers where the functions' handler files are kept, a folder per function
 */
record FunctionsRoutes(Registry registry, Functions functions, TenantRouting routing, EventLog events, Path handlers) {
    private static final System.Logger LOG = System.getLogger(FunctionsRoutes.class.getName());
    /** Compiler output and console tails in deploy errors are cut to this many characters. */
    private static final int MAX_MESSAGE = 4000;

    private static final SecureRandom RANDOM = new SecureRandom();

    void register(ApiRoutes r) {
        r.add(
                "GET",
                "/v1/functions",
                (c, who, p) -> ServicesApi.items(
                        registry.list(Registry.FUNCTIONS + who.tenant() + "/", FunctionRecord.class).stream()
                                .map(this::view)
                                .toList()));
        r.add("POST", "/v1/functions", (c, who, p) -> deploy(c, who));
        r.add("GET", "/v1/functions/{name}", (c, who, p) -> Reply.json(200, view(existing(who, p))));
        r.add("DELETE", "/v1/functions/{name}", (c, who, p) -> delete(who, p));
        r.add("POST", "/v1/functions/{name}/invoke", (c, who, p) -> invoke(c, existing(who, p)));
        r.add("POST", "/v1/functions/{name}/invocations", (c, who, p) -> invokeAsync(c, existing(who, p)));
        r.add("GET", "/v1/functions/{name}/invocations/{id}", (c, who, p) -> invocation(existing(who, p), p.get("id")));
        r.add("GET", "/v1/functions/{name}/dead-letters", (c, who, p) -> {
            FunctionRecord f = existing(who, p);
            return ServicesApi.items(running(f, () -> functions.deadLetters(f.key())).stream()
                    .map(i -> view(f, i))
                    .toList());
        });
        r.add("GET", "/v1/functions/{name}/logs", (c, who, p) -> {
            FunctionRecord f = existing(who, p);
            return ServicesApi.items(running(f, () -> functions.log(f.key())));
        });
    }

    /** Deploys every stored function again (after a restart), one after another, in the background. */
    void resumeAll() {
        List<FunctionRecord> all = registry.list(Registry.FUNCTIONS, FunctionRecord.class);
        if (all.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("wisp-fn-resume").start(() -> {
            for (FunctionRecord f : all) {
                try {
                    start(f);
                    LOG.log(System.Logger.Level.INFO, "function {0}/{1} deployed again", f.tenant(), f.name());
                } catch (RuntimeException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "function " + f.tenant() + "/" + f.name() + " did not start: " + e.getMessage());
                }
            }
        });
    }

    // ---- deploy and delete --------------------------------------------------------------------

    private Reply deploy(Call c, Caller who) {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String key = "fn-" + HexFormat.of().formatHex(id);
        FunctionInput.Parsed in =
                FunctionInput.parse(c.body(), who.tenant(), key, registry.now(), functions::memoryFloorMib);
        FunctionRecord rec = in.record();
        Path dir = handlers.resolve(key);
        try {
            DataDirectory.createDirectories(dir);
            Files.write(Files.createFile(dir.resolve(rec.handlerFile()), DataDirectory.FILE_ATTR), in.handler());
        } catch (IOException e) {
            FileTrees.deleteQuietly(dir);
            throw new UncheckedIOException("cannot store the handler of " + rec.name(), e);
        }
        try {
            registry.write(tx -> {
                if (tx.get(Registry.functionKey(who.tenant(), rec.name()), FunctionRecord.class)
                        .isPresent()) {
                    throw ApiException.conflict("function '" + rec.name() + "' exists; delete it first");
                }
                Quotas.checkFunction(tx, who.tenant(), Quotas.quotaOf(tx, who.tenant()), rec);
                Registry.touchTenant(tx, who.tenant());
                tx.put(Registry.functionKey(who.tenant(), rec.name()), rec);
                return null;
            });
        } catch (RuntimeException e) {
            FileTrees.deleteQuietly(dir);
            throw e;
        }
        FunctionInfo info;
        try {
            info = start(rec);
        } catch (RuntimeException e) {
            forget(rec);
            throw e instanceof ApiException ? e : apiError(e);
        }
        if (registry.get(Registry.functionKey(rec.tenant(), rec.name()), FunctionRecord.class)
                .filter(f -> f.key().equals(key))
                .isEmpty()) {
            forget(rec); // deleted while it was starting
            throw ApiException.conflict("function '" + rec.name() + "' was deleted while it started");
        }
        events.append(
                who.tenant(),
                "function.deployed",
                rec.name(),
                null,
                rec.runtime() + " function, image " + info.image());
        return Reply.json(201, view(rec));
    }

    /** Routes the key and deploys on the node; returns once an instance answers. */
    private FunctionInfo start(FunctionRecord f) {
        routing.routeFunction(f.key(), f.tenant(), f.name());
        FunctionSpec spec = new FunctionSpec(
                f.key(),
                FunctionRuntime.parse(f.runtime()),
                handlers.resolve(f.key()).resolve(f.handlerFile()),
                f.handlerClass(),
                List.of(),
                f.resources().memoryMiB(),
                f.resources().vcpus(),
                f.reservedConcurrency(),
                f.perInstance(),
                new RetryPolicy(
                        f.maxAttempts(), Duration.ofMillis(f.initialBackoffMs()), Duration.ofMillis(f.maxBackoffMs())),
                Duration.ofMillis(f.timeoutMs()),
                null,
                f.tenant());
        return functions.deploy(spec);
    }

    private Reply delete(Caller who, Map<String, String> p) {
        FunctionRecord f = registry.write(tx -> {
            String name = p.get("name");
            Optional<FunctionRecord> r = Names.valid(name)
                    ? tx.get(Registry.functionKey(who.tenant(), name), FunctionRecord.class)
                    : Optional.empty();
            FunctionRecord found =
                    r.orElseThrow(() -> ApiException.notFound("no function '" + Names.shorten(name) + "'"));
            tx.delete(Registry.functionKey(who.tenant(), name));
            Registry.touchTenant(tx, who.tenant());
            return found;
        });
        forget(f);
        events.append(who.tenant(), "function.deleted", f.name(), null, "deleted");
        return Reply.noContent();
    }

    /** Stops the function on the node and drops its route, handler and invocation records. */
    private void forget(FunctionRecord f) {
        functions.remove(f.key());
        routing.unrouteFunction(f.key());
        registry.write(tx -> {
            tx.get(Registry.functionKey(f.tenant(), f.name()), FunctionRecord.class)
                    .filter(r -> r.key().equals(f.key()))
                    .ifPresent(r -> tx.delete(Registry.functionKey(f.tenant(), f.name())));
            return null;
        });
        for (KeyValue kv : registry.store().range("/functions/" + f.key() + "/").kvs()) {
            registry.store().delete(kv.key());
        }
        FileTrees.deleteQuietly(handlers.resolve(f.key()));
    }

    // ---- invocations --------------------------------------------------------------------------

    private Reply invoke(Call c, FunctionRecord f) {
        FunctionResponse r = running(f, () -> functions.invoke(f.key(), call(c)));
        String type = r.contentType().isEmpty() ? "application/octet-stream" : r.contentType();
        return new Reply(r.status(), type, r.body(), null, 0);
    }

    private Reply invokeAsync(Call c, FunctionRecord f) {
        String callback = c.header("X-Callback-Url");
        Invocation inv = running(f, () -> functions.invokeAsync(f.key(), call(c), callback));
        return Reply.json(202, new Shapes.InvocationAccepted(inv.id()));
    }

    private Reply invocation(FunctionRecord f, String id) {
        try {
            return Reply.json(200, view(f, functions.invocation(f.key(), id)));
        } catch (FunctionException e) {
            throw ApiException.notFound("function '" + f.name() + "' has no invocation '" + Names.shorten(id) + "'");
        }
    }

    /**
     * What the handler sees: the API call's body, {@code Content-Type} and {@code Accept}, and its
     * query without {@code tenant} (the API's own parameter), on path {@code /}.
     */
    private static FunctionCall call(Call c) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (CharSequence h : List.of(HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.ACCEPT)) {
            String v = c.header(h);
            if (v != null && v.indexOf('\r') < 0 && v.indexOf('\n') < 0) {
                headers.put(h.toString(), v);
            }
        }
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        c.query().forEach((k, v) -> {
            if (!k.equals("tenant")) {
                q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return new FunctionCall("POST", "/" + q, headers, c.body());
    }

    /** Runs a facade call; a stored function the node does not run (yet) is 503, facade errors keep their code. */
    private <T> T running(FunctionRecord f, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (FunctionException e) {
            if (e.code() == FunctionException.Code.NOT_FOUND) {
                throw new ApiException(503, "unavailable", "function '" + f.name() + "' is starting; retry");
            }
            throw apiError(e);
        }
    }

    private static ApiException apiError(RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (msg.length() > MAX_MESSAGE) {
            msg = msg.substring(0, MAX_MESSAGE) + "...";
        }
        if (e instanceof FunctionException fe) {
            return new ApiException(fe.code().status(), fe.code().id(), msg);
        }
        if (e instanceof IllegalArgumentException) {
            return ApiException.badRequest(msg); // a handler that is no executable, jar or compilable source
        }
        LOG.log(System.Logger.Level.WARNING, "function deploy failed", e);
        return new ApiException(503, "unavailable", "the function did not start: " + msg);
    }

    // ---- lookups and views --------------------------------------------------------------------

    /** The function or 404: a foreign tenant's function is indistinguishable from a missing one. */
    private FunctionRecord existing(Caller who, Map<String, String> p) {
        String name = p.get("name");
        Optional<FunctionRecord> f = Names.valid(name)
                ? registry.get(Registry.functionKey(who.tenant(), name), FunctionRecord.class)
                : Optional.empty();
        return f.orElseThrow(() -> ApiException.notFound("no function '" + Names.shorten(name) + "'"));
    }

    private Shapes.FunctionView view(FunctionRecord f) {
        FunctionInfo info;
        try {
            info = functions.get(f.key());
        } catch (FunctionException e) {
            info = null; // stored, not (yet) running on the node
        }
        var retry = new Shapes.RetryView(
                f.maxAttempts(),
                Durations.format(Duration.ofMillis(f.initialBackoffMs())),
                Durations.format(Duration.ofMillis(f.maxBackoffMs())));
        return new Shapes.FunctionView(
                f.name(),
                f.tenant(),
                f.runtime(),
                f.handlerClass(),
                f.resources(),
                f.reservedConcurrency(),
                f.perInstance(),
                f.instanceCap(),
                retry,
                Durations.format(Duration.ofMillis(f.timeoutMs())),
                f.createdAt(),
                info == null ? "starting" : "ready",
                info == null ? null : info.image(),
                info == null ? null : info.inFlight(),
                info == null ? null : info.url());
    }

    /** The facade's invocation view under the function's own name. */
    private static InvocationView view(FunctionRecord f, Invocation inv) {
        return inv.toApi().withFunction(f.name());
    }
}
