package dev.wisp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.wisp.sdk.Resources;
import dev.wisp.sdk.Scaling;
import dev.wisp.sdk.Standby;
import dev.wisp.sdk.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A service described by a {@code wisp.toml} beside the app, what {@code wisp apply} (and
 * {@code wisp deploy} with no image or folder) reads: where its image comes from, and everything
 * the API's Service holds. Omitted settings are the platform's defaults, not "keep": the file is
 * the whole service, so applying it twice changes nothing the second time.
 *
 * <pre>
 * name = "hello"
 * port = 8080
 * secrets = ["DB_PASSWORD", "TOKEN=API_TOKEN"]
 * [build]                       # or: image = "ID" or "registry/name:tag"
 * dir = "www"                   # relative to this file; a folder, or one file (a static binary)
 * entrypoint = "httpd -f -p 8080 -h /app"
 * # runtime = "java"            # instead of entrypoint: dir is a runnable jar, or a folder with
 * # main = "example.Hello"      # its main class (docs/java-services.md)
 * egress = "internet"            # or "none" (default), or "db.example:5432,api.example:443"
 * [env]
 * GREETING = "hi"
 * [resources]
 * vcpus = 1
 * memory = 128                  # MiB
 * [scaling]
 * min = 0
 * max = 5
 * target = 10                   # concurrent requests per instance
 * [standby]
 * policy = "snapshot"
 * pause-after = "1s"
 * [[volumes]]                   # made first: wisp volumes create data --size 1G
 * name = "data"                 # one per instance: data, data-1, ... (docs/volumes.md)
 * path = "/data"
 * </pre>
 */
record AppFile(
        Path file,
        String name,
        AppSource source,
        Map<String, String> env,
        List<String> secrets,
        Resources resources,
        Scaling scaling,
        Standby standby,
        String access,
        String egress,
        List<VolumeMount> volumes) {
    /** Most bytes a wisp.toml may have: a service description, not a data file. */
    static final int MAX_BYTES = 64 * 1024;

    private static final Set<String> TOP = Set.of(
            "name",
            "image",
            "entrypoint",
            "cmd",
            "port",
            "build",
            "env",
            "secrets",
            "resources",
            "scaling",
            "standby",
            "access",
            "egress",
            "volumes");
    private static final Set<String> BUILD = Set.of("dir", "entrypoint", "debs", "runtime", "main");
    private static final Set<String> RESOURCES = Set.of("vcpus", "memory");
    private static final Set<String> SCALING =
            Set.of("min", "max", "target", "initial", "scale-to-zero-grace", "concurrency", "timeout");
    private static final Set<String> STANDBY = Set.of("policy", "pause-after", "snapshot-after", "retire-after");
    /** Things a user coming from fly.toml or a Kraftfile may write that Wisp does not offer yet. */
    private static final Map<String, String> NOT_YET =
            Map.of("mounts", "write [[volumes]] tables with name and path (docs/volumes.md)");

    private static final Set<String> VOLUME = Set.of("name", "path");

    /** Reads and checks {@code file}; every problem is one line naming the file and the key. */
    static AppFile read(Path file) {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES / 1024 + " KiB");
            }
            root = new TomlMapper().readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no " + file + " (write one, or give --image/--dir)");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid TOML: " + firstLine(e.getMessage()));
        }
        return new Parser(file).parse(root);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Walks the tree once, with the file's name in every error. */
    private static final class Parser {
        private final Path file;

        Parser(Path file) {
            this.file = file;
        }

        AppFile parse(JsonNode root) {
            if (root.has("runtime") || root.has("main")) {
                throw bad("runtime and main go in [build], beside dir");
            }
            known(root, "", TOP);
            String name = text(root, "name", "");
            JsonNode build = table(root, "build");
            String image = text(root, "image", "");
            if ((build == null) == (image == null)) {
                throw bad("give either image = \"...\" or a [build] table with dir");
            }
            Integer port = integer(root, "port", "");
            AppSource source;
            if (build != null) {
                known(build, "build.", BUILD);
                String dir = text(build, "dir", "build.");
                if (dir == null) {
                    throw bad("[build] needs dir (a folder or one file, relative to this file)");
                }
                if (text(root, "entrypoint", "") != null || root.has("cmd")) {
                    throw bad("entrypoint goes in [build] for a build; cmd goes with image");
                }
                Path base = file.toAbsolutePath().getParent();
                source = source(() -> new AppSource(
                        base.resolve(dir).normalize(),
                        null,
                        text(build, "entrypoint", "build."),
                        null,
                        port,
                        strings(build, "debs", "build."),
                        text(build, "runtime", "build."),
                        text(build, "main", "build.")));
            } else {
                source = new AppSource(
                        null, image, text(root, "entrypoint", ""), strings(root, "cmd", ""), port, null, null, null);
            }
            JsonNode res = table(root, "resources");
            JsonNode sc = table(root, "scaling");
            JsonNode sb = table(root, "standby");
            Resources resources = null;
            if (res != null) {
                known(res, "resources.", RESOURCES);
                resources = new Resources(integer(res, "vcpus", "resources."), integer(res, "memory", "resources."));
            }
            Scaling scaling = null;
            if (sc != null) {
                known(sc, "scaling.", SCALING);
                Integer target = integer(sc, "target", "scaling.");
                scaling = new Scaling(
                        integer(sc, "min", "scaling."),
                        integer(sc, "max", "scaling."),
                        integer(sc, "initial", "scaling."),
                        target == null ? null : target.doubleValue(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        text(sc, "scale-to-zero-grace", "scaling."),
                        integer(sc, "concurrency", "scaling."),
                        text(sc, "timeout", "scaling."));
            }
            Standby standby = null;
            if (sb != null) {
                known(sb, "standby.", STANDBY);
                standby = new Standby(
                        text(sb, "policy", "standby."),
                        text(sb, "pause-after", "standby."),
                        text(sb, "snapshot-after", "standby."),
                        text(sb, "retire-after", "standby."));
            }
            try {
                resources = source.resources(resources);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            return new AppFile(
                    file,
                    name,
                    source,
                    env(table(root, "env")),
                    strings(root, "secrets", ""),
                    resources,
                    scaling,
                    standby,
                    text(root, "access", ""),
                    text(root, "egress", ""),
                    volumes(root.get("volumes")));
        }

        /** An AppSource whose own checks fail names this file. */
        private AppSource source(java.util.function.Supplier<AppSource> make) {
            try {
                return make.get();
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        /** {@code [[volumes]]}: an array of tables, each with name and path. */
        private List<VolumeMount> volumes(JsonNode v) {
            if (v == null) {
                return null;
            }
            if (!v.isArray()) {
                throw bad("'volumes' must be an array of tables ([[volumes]] with name and path)");
            }
            List<VolumeMount> out = new ArrayList<>();
            for (JsonNode t : v) {
                if (!t.isObject()) {
                    throw bad("'volumes' must be an array of tables ([[volumes]] with name and path)");
                }
                known(t, "volumes.", VOLUME);
                String name = text(t, "name", "volumes.");
                String path = text(t, "path", "volumes.");
                if (name == null || path == null) {
                    throw bad("each [[volumes]] needs name and path");
                }
                out.add(new VolumeMount(name, path));
            }
            return out;
        }

        private void known(JsonNode table, String where, Set<String> keys) {
            for (Iterator<String> it = table.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (NOT_YET.containsKey(k) && where.isEmpty()) {
                    throw bad("'" + k + "' is not supported: " + NOT_YET.get(k));
                }
                if (!keys.contains(k)) {
                    throw bad("unknown key '" + where + k + "' (known"
                            + (where.isEmpty() ? "" : " in [" + where.substring(0, where.length() - 1) + "]") + ": "
                            + String.join(", ", new TreeSet<>(keys)) + ")");
                }
            }
        }

        private JsonNode table(JsonNode n, String key) {
            JsonNode v = n.get(key);
            if (v == null) {
                return null;
            }
            if (!v.isObject()) {
                throw bad("'" + key + "' must be a table ([" + key + "])");
            }
            return v;
        }

        private String text(JsonNode n, String key, String where) {
            JsonNode v = n.get(key);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw bad("'" + where + key + "' must be a string");
            }
            return v.asText();
        }

        private Integer integer(JsonNode n, String key, String where) {
            JsonNode v = n.get(key);
            if (v == null) {
                return null;
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw bad("'" + where + key + "' must be a whole number");
            }
            return v.asInt();
        }

        private List<String> strings(JsonNode n, String key, String where) {
            JsonNode v = n.get(key);
            if (v == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode e : v) {
                    if (!e.isTextual()) {
                        throw bad("'" + where + key + "' must be a list of strings");
                    }
                    out.add(e.asText());
                }
                return out;
            }
            throw bad("'" + where + key + "' must be a list of strings");
        }

        private Map<String, String> env(JsonNode env) {
            if (env == null) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw bad("env." + e.getKey() + " must be a string, number or boolean");
                }
                out.put(e.getKey(), e.getValue().asText());
            }
            return out;
        }

        private IllegalArgumentException bad(String why) {
            return new IllegalArgumentException(file + ": " + why);
        }
    }
}
