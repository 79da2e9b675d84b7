package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.runtime.net.Egress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Parses and checks the service and deploy bodies of docs/api.md against defaults or current values. */
final class ServiceInput {
    private static final Pattern ENV_KEY = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");
    private static final Pattern ENV_VALUE = Pattern.compile("[\\x21\\x23-\\x7e ]{0,256}");
    static final int MAX_ENV = 32;
    /** The kernel command line is 2048 bytes; the platform's own parameters need some. */
    static final int MAX_ENV_BYTES = 1024;
    /** What a GET answer shows and a create ignores: an answer may be sent back as it is. */
    static final Set<String> READ_ONLY = Set.of(
            "tenant",
            "envNames",
            "revision",
            "latestRevision",
            "targetRevision",
            "url",
            "nodeServices",
            "status",
            "failure");

    /** What a create takes, and the read-only fields of an answer sent back. */
    static final Set<String> SERVICE_FIELDS = Stream.concat(
                    Stream.of(
                            "name",
                            "image",
                            "env",
                            "secrets",
                            "resources",
                            "port",
                            "egress",
                            "volumes",
                            "scaling",
                            "standby",
                            "access"),
                    READ_ONLY.stream())
            .collect(Collectors.toUnmodifiableSet());

    static final Set<String> DEPLOY_FIELDS =
            Set.of("image", "env", "secrets", "resources", "port", "egress", "volumes");
    static final Set<String> PATCH_FIELDS = Set.of("scaling", "standby", "access");
    static final Set<String> ROLLBACK_FIELDS = Set.of("revision");
    static final Set<String> RESOURCES_FIELDS = Set.of("vcpus", "memoryMiB");
    static final Set<String> SCALING_FIELDS = Set.of(
            "min",
            "max",
            "initial",
            "target",
            "utilization",
            "stableWindow",
            "panicWindowPercent",
            "panicThreshold",
            "maxScaleUpRate",
            "maxScaleDownRate",
            "scaleToZeroGrace",
            "concurrency",
            "timeout");
    static final Set<String> STANDBY_FIELDS = Set.of("policy", "pauseAfter", "snapshotAfter", "retireAfter");

    private static final Part<Scaling> SCALING = new Part<>("scaling", SCALING_FIELDS, s -> {
        NodeSpecs.autoscaler(s);
        NodeSpecs.limits(s);
    });
    private static final Part<Standby> STANDBY = new Part<>("standby", STANDBY_FIELDS, NodeSpecs::standby);
    private static final Part<Resources> RESOURCES = new Part<>("resources", RESOURCES_FIELDS, r -> {});

    /**
     * An optional object of a body: its name, the only fields it may hold, and the node's check of
     * what it says (an {@link IllegalArgumentException} becomes a 400 naming the object).
     */
    private record Part<T>(String name, Set<String> fields, Consumer<T> check) {
        /** {@code base} when the object is absent, else what {@code reader} reads (given the fields' prefix). */
        T read(JsonNode n, T base, Function<String, T> reader) {
            if (n == null) {
                return base;
            }
            Fields.onlyKnown(n, name, fields);
            T value = reader.apply(name + ".");
            try {
                check.accept(value);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(name + ": " + e.getMessage());
            }
            return value;
        }
    }

    private ServiceInput() {}

    static Scaling scaling(JsonNode n, Scaling base) {
        return SCALING.read(
                n,
                base,
                w -> new Scaling(
                        (int) Fields.integer(n, "min", w, base.min(), 0, 1000),
                        (int) Fields.integer(n, "max", w, base.max(), 1, 1000),
                        (int) Fields.integer(n, "initial", w, base.initial(), 0, 1000),
                        Fields.number(n, "target", w, base.target(), 0.01, 1_000_000),
                        Fields.number(n, "utilization", w, base.utilization(), 0.01, 1.0),
                        Fields.string(n, "stableWindow", w, base.stableWindow()),
                        Fields.number(n, "panicWindowPercent", w, base.panicWindowPercent(), 1, 100),
                        Fields.number(n, "panicThreshold", w, base.panicThreshold(), 1.1, 10),
                        Fields.number(n, "maxScaleUpRate", w, base.maxScaleUpRate(), 1.01, 1_000_000),
                        Fields.number(n, "maxScaleDownRate", w, base.maxScaleDownRate(), 1.01, 1_000_000),
                        Fields.string(n, "scaleToZeroGrace", w, base.scaleToZeroGrace()),
                        (int) Fields.integer(n, "concurrency", w, base.concurrency(), 0, 10_000),
                        Fields.string(n, "timeout", w, base.timeout())));
    }

    static Standby standby(JsonNode n, Standby base) {
        return STANDBY.read(
                n,
                base,
                w -> new Standby(
                        Fields.string(n, "policy", w, base.policy()),
                        Fields.string(n, "pauseAfter", w, base.pauseAfter()),
                        Fields.string(n, "snapshotAfter", w, base.snapshotAfter()),
                        Fields.string(n, "retireAfter", w, base.retireAfter())));
    }

    static String access(JsonNode body, String base) {
        String a = Fields.string(body, "access", "", base);
        if (!"public".equals(a) && !"private".equals(a)) {
            throw ApiException.badRequest("access must be 'public' or 'private'");
        }
        return a;
    }

    /** @param memoryFloorMib the least memory the guest kernel boots in ({@code KernelMemory}) */
    static Resources resources(JsonNode n, Resources base, int memoryFloorMib) {
        return RESOURCES.read(
                n,
                base,
                w -> new Resources((int) Fields.integer(n, "vcpus", w, base.vcpus(), 1, 32), (int)
                        Fields.integer(n, "memoryMiB", w, base.memoryMiB(), memoryFloorMib, 65536)));
    }

    static Map<String, String> env(JsonNode n, Map<String, String> base) {
        if (n == null) {
            return base;
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw ApiException.badRequest("env name '" + Names.shorten(e.getKey())
                        + "' must be 1-64 of A-Z, 0-9 and '_', not starting with a digit");
            }
            requireEnvValue(
                    "env " + e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : null);
            env.put(e.getKey(), e.getValue().asText());
        }
        checkEnvSize(env);
        return env;
    }

    /** An env value (or a secret's, which becomes one) the guest's env channel carries. */
    static void requireEnvValue(String what, String value) {
        if (value == null || !ENV_VALUE.matcher(value).matches()) {
            throw ApiException.badRequest(
                    what + " must be a string of at most 256 printable ASCII characters without '\"'");
        }
    }

    static void checkEnvSize(Map<String, String> env) {
        int bytes = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            bytes += e.getKey().length() + e.getValue().length() + 4;
        }
        if (env.size() > MAX_ENV || bytes > MAX_ENV_BYTES) {
            throw ApiException.badRequest("env: at most " + MAX_ENV + " variables and " + MAX_ENV_BYTES + " bytes");
        }
    }

    /**
     * The {@code egress} field in canonical text ({@code none}, {@code internet} or
     * {@code HOST:PORT,...}), {@code base} when absent; a bad value is a 400 saying why.
     */
    static String egress(JsonNode body, String base) {
        String text = Fields.string(body, "egress", "", base);
        try {
            return Egress.parse(text).toString();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    static int port(JsonNode body, int base) {
        return (int) Fields.integer(body, "port", "", base, 1, 65535);
    }
}
