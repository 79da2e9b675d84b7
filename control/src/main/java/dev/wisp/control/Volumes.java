package dev.wisp.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wisp.node.ServiceVolumes;
import dev.wisp.runtime.VmException;
import dev.wisp.runtime.Volume;
import dev.wisp.runtime.VolumeDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant's persistent volumes: {@code /v1/volumes} creates (an ext4 disk file of a fixed size),
 * lists and removes them (refused while a deployed revision uses them). A service's create or
 * deploy names the volumes its instances mount ({@code "volumes": [{"name": "data", "path":
 * "/data"}]}): as on Fly, one volume per instance, so instance 1 gets {@code data}, instance 2
 * {@code data-1}, and so on; the service runs at most as many instances as there are.
 */
final class Volumes {
    static final String PREFIX = "/volumes/";
    static final Set<String> FIELDS = Set.of("name", "size");
    static final Set<String> MOUNT_FIELDS = Set.of("name", "path");
    /** Most volumes of one tenant. */
    static final int MAX_VOLUMES = 50;
    /** Volumes one revision mounts (each instance gets one of each). */
    static final int MAX_MOUNTS = Volume.MAX_PER_VM;

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,13})([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

    private final Registry registry;
    private final Path directory;

    /** @param directory where the disk files live, one folder per tenant */
    Volumes(Registry registry, Path directory) {
        this.registry = registry;
        this.directory = directory;
    }

    Path file(String tenant, String name) {
        return directory.resolve(tenant).resolve(name + ".ext4");
    }

    void register(ApiRoutes r) {
        r.add("GET", "/v1/volumes", (c, who, p) -> ServicesApi.items(list(who.tenant())));
        r.add("POST", "/v1/volumes", (c, who, p) -> create(c, who));
        r.add("DELETE", "/v1/volumes/{name}", (c, who, p) -> remove(who, p.get("name")));
    }

    List<Shapes.VolumeView> list(String tenant) {
        return registry.list(PREFIX + tenant + "/", VolumeRecord.class).stream()
                .map(v -> view(v, usersOf(tenant, v.name())))
                .toList();
    }

    private static Shapes.VolumeView view(VolumeRecord v, List<String> usedBy) {
        return new Shapes.VolumeView(v.name(), v.sizeBytes(), v.createdAt(), usedBy);
    }

    private Reply create(Call c, Caller who) {
        JsonNode body = Fields.object(c.body());
        Fields.onlyKnown(body, "a volume (name, size)", FIELDS);
        String name = Names.require("volume", Fields.string(body, "name", "", null));
        JsonNode sizeField = body.get("size");
        if (sizeField == null) {
            throw ApiException.badRequest("size is required, such as \"1G\" (16M to 1T)");
        }
        long bytes = size(sizeField.asText());
        String tenant = who.tenant();
        String now = registry.now();
        VolumeRecord rec = new VolumeRecord(tenant, name, bytes, now);
        registry.write(tx -> {
            if (tx.get(Registry.volumeKey(tenant, name), VolumeRecord.class).isPresent()) {
                throw ApiException.conflict("volume '" + name + "' exists");
            }
            if (tx.range(PREFIX + tenant + "/", VolumeRecord.class).size() >= MAX_VOLUMES) {
                throw new ApiException(
                        422,
                        "quota_exceeded",
                        "tenant '" + tenant + "' has " + MAX_VOLUMES + " volumes, the most allowed");
            }
            Registry.touchTenant(tx, tenant);
            tx.put(Registry.volumeKey(tenant, name), rec);
            return null;
        });
        Path file = file(tenant, name);
        try {
            Files.deleteIfExists(file); // one left by a removal that did not finish
            VolumeDisk.create(file, bytes);
        } catch (IOException | VmException e) {
            registry.write(tx -> {
                tx.delete(Registry.volumeKey(tenant, name));
                return null;
            });
            throw new IllegalStateException("cannot create volume " + name + ": " + e.getMessage(), e);
        }
        return Reply.json(201, view(rec, List.of()));
    }

    private Reply remove(Caller who, String name) {
        Names.require("volume", name);
        String tenant = who.tenant();
        List<String> users = usersOf(tenant, name);
        if (!users.isEmpty()) {
            throw ApiException.conflict("volume '" + name + "' is attached to service(s) " + String.join(", ", users)
                    + "; remove them or deploy without the volume first");
        }
        registry.write(tx -> {
            if (tx.get(Registry.volumeKey(tenant, name), VolumeRecord.class).isEmpty()) {
                throw ApiException.notFound("no volume '" + name + "'");
            }
            tx.delete(Registry.volumeKey(tenant, name));
            return null;
        });
        try {
            Files.deleteIfExists(file(tenant, name));
        } catch (IOException e) {
            throw new IllegalStateException("volume " + name + " removed, but not its file: " + e.getMessage(), e);
        }
        return Reply.noContent();
    }

    /** The services whose deployed revisions (target, serving, previous) mount this volume. */
    private List<String> usersOf(String tenant, String volume) {
        List<String> users = new ArrayList<>();
        for (ServiceRecord s : registry.services(tenant)) {
            List<Integer> deployed = List.of(s.targetRevision(), s.servingRevision(), s.previousRevision());
            boolean uses = registry.revisions(tenant, s.name()).stream()
                    .filter(r -> deployed.contains(r.number()))
                    .flatMap(r -> r.volumesOrNone().stream())
                    .anyMatch(m -> slotNames(tenant, m.name()).contains(volume));
            if (uses) {
                users.add(s.name());
            }
        }
        return users;
    }

    /**
     * The {@code volumes} field of a create or deploy: a list of {@code {"name", "path"}}, each
     * naming an existing volume, at distinct paths. Null when the field is absent.
     */
    List<VolumeMount> mounts(String tenant, JsonNode field) {
        if (field == null) {
            return null;
        }
        if (!field.isArray() || field.size() > MAX_MOUNTS) {
            throw ApiException.badRequest(
                    "volumes must be a list of at most " + MAX_MOUNTS + " {\"name\": ..., \"path\": ...}");
        }
        List<VolumeMount> mounts = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        for (JsonNode m : field) {
            if (!m.isObject()) {
                throw ApiException.badRequest("volumes: each entry is {\"name\": ..., \"path\": ...}");
            }
            Fields.onlyKnown(m, "a volume mount (name, path)", MOUNT_FIELDS);
            String name = Names.require("volume", Fields.string(m, "name", "volumes.", null));
            String path = Fields.string(m, "path", "volumes.", null);
            String problem = Volume.mountPathProblem(path);
            if (problem != null) {
                throw ApiException.badRequest(problem);
            }
            if (!paths.add(path)) {
                throw ApiException.badRequest("volumes: two volumes at " + path);
            }
            if (registry.get(Registry.volumeKey(tenant, name), VolumeRecord.class)
                    .isEmpty()) {
                throw ApiException.badRequest("volumes: no volume '" + name + "' in tenant '" + tenant
                        + "' (create it: wisp volumes create " + name + " --size 1G)");
            }
            mounts.add(new VolumeMount(name, path));
        }
        return List.copyOf(mounts);
    }

    /**
     * What the node attaches for a revision (the target revision takes volumes over from the others): instance {@code i} gets, for every mount, the
     * volume {@code name} (i = 0) or {@code name-i}; there are as many instance slots as the
     * mount with the fewest such volumes has.
     */
    ServiceVolumes slots(String tenant, String service, int revision, List<VolumeMount> mounts) {
        if (mounts.isEmpty()) {
            return ServiceVolumes.NONE;
        }
        int n = Integer.MAX_VALUE;
        List<List<String>> names = new ArrayList<>();
        for (VolumeMount m : mounts) {
            List<String> found = slotNames(tenant, m.name());
            names.add(found);
            n = Math.min(n, found.size());
        }
        List<List<Volume>> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Volume> slot = new ArrayList<>();
            for (int k = 0; k < mounts.size(); k++) {
                String name = names.get(k).get(i);
                slot.add(new Volume(name, file(tenant, name), mounts.get(k).path()));
            }
            slots.add(slot);
        }
        if (slots.isEmpty()) {
            throw new IllegalStateException("volume " + mounts.get(0).name() + " of " + service + " no longer exists");
        }
        // Asked at each start, so a rollback's target takes the volumes back without a redeploy.
        return new ServiceVolumes(
                tenant + "/" + service,
                () -> registry.service(tenant, service)
                        .map(s -> s.targetRevision() == revision)
                        .orElse(false),
                slots);
    }

    /** {@code name}, {@code name-1}, {@code name-2}... as long as each exists. */
    private List<String> slotNames(String tenant, String name) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < MAX_VOLUMES; i++) {
            String n = i == 0 ? name : name + "-" + i;
            if (registry.get(Registry.volumeKey(tenant, n), VolumeRecord.class).isEmpty()) {
                break;
            }
            found.add(n);
        }
        return found;
    }

    /** {@code 1G}, {@code 512M}, {@code 512MiB} or a number of bytes; units are powers of 1024. */
    static long size(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw ApiException.badRequest("size '" + Names.shorten(String.valueOf(text))
                    + "' is not a size such as 1G, 512M or a number of bytes");
        }
        long bytes = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        if (bytes > (VolumeDisk.MAX_BYTES >> shift) || bytes << shift < VolumeDisk.MIN_BYTES) {
            throw ApiException.badRequest("size must be 16M to 1T, was " + text);
        }
        return bytes << shift;
    }
}
