package dev.wisp.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.common.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes snapshot metadata ({@code snapshot.json}) and checks a snapshot is whole
 * before anyone restores from it. The metadata is written last and atomically: a directory
 * without it is an unfinished snapshot, never a valid one.
 */
final class SnapshotStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotStore() {}

    static void write(Snapshot s) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", 1);
        n.put("kind", s.kind().name());
        n.put("accelerator", s.accelerator().name());
        n.put("createdAt", s.createdAt().toString());
        n.put("stateBytes", s.state().stateBytes());
        n.put("stateCrc32c", Long.toHexString(s.state().stateCrc32c()));
        // A template's own file by name; the template file a clone's standby snapshot builds on, by path.
        s.memoryFile()
                .ifPresent(m -> n.put(
                        "memoryFile",
                        s.directory().equals(m.getParent())
                                ? m.getFileName().toString()
                                : m.toAbsolutePath().toString()));
        ObjectNode spec = n.putObject("spec");
        spec.put("vcpus", s.spec().vcpus());
        spec.put("memoryMib", s.spec().memoryMib());
        spec.put("guestPort", s.spec().guestPort());
        spec.put("readyTimeoutMs", s.spec().readyTimeout().toMillis());
        spec.put("tenant", s.spec().tenant());
        spec.put("kernel", s.spec().boot().kernel().toString());
        spec.put("initrd", s.spec().boot().initrd().toString());
        s.spec().boot().disk().ifPresent(d -> spec.put("disk", d.toString()));
        if (!s.spec().boot().layers().isEmpty()) {
            var layers = spec.putArray("layers");
            s.spec().boot().layers().forEach(l -> layers.add(l.toString()));
        }
        // A standby snapshot's guest has its volumes mounted: a restore must attach the same files.
        var volumes = spec.putArray("volumes");
        s.spec()
                .boot()
                .volumes()
                .forEach(v -> volumes.addObject()
                        .put("name", v.name())
                        .put("file", v.file().toString())
                        .put("mountPath", v.mountPath()));
        var cmdline = spec.putArray("cmdline");
        s.spec().boot().cmdline().forEach(cmdline::add);
        // No env here, not even names: the values are secrets, and a restore needs none of it (the
        // app that read them is in the snapshot's memory).
        PrivateFiles.restrictTree(s.directory());
        Path tmp = s.directory().resolve(Snapshot.META_FILE + ".tmp");
        PrivateFiles.emptyFile(tmp);
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
        Files.move(
                tmp,
                s.directory().resolve(Snapshot.META_FILE),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Loads and checks a snapshot directory; every problem is a one-line {@link VmException}. */
    static Snapshot read(Path directory) {
        Path meta = directory.resolve(Snapshot.META_FILE);
        if (!Files.isRegularFile(meta)) {
            throw new VmException("not a snapshot (no " + Snapshot.META_FILE + "): " + directory);
        }
        JsonNode n;
        try {
            n = JSON.readTree(meta.toFile());
        } catch (IOException e) {
            throw new VmException("snapshot metadata is corrupt: " + meta + ": " + e.getMessage());
        }
        try {
            JsonNode spec = n.get("spec");
            List<String> cmdline = new ArrayList<>();
            spec.path("cmdline").forEach(c -> cmdline.add(c.asText()));
            List<Path> layers = new ArrayList<>();
            spec.path("layers").forEach(l -> layers.add(Path.of(l.asText())));
            List<Volume> volumes = new ArrayList<>();
            spec.path("volumes")
                    .forEach(v -> volumes.add(new Volume(
                            v.get("name").asText(),
                            Path.of(v.get("file").asText()),
                            v.get("mountPath").asText())));
            BootSource boot = new BootSource(
                    Path.of(spec.get("kernel").asText()),
                    Path.of(spec.get("initrd").asText()),
                    spec.has("disk") ? Optional.of(Path.of(spec.get("disk").asText())) : Optional.empty(),
                    cmdline,
                    Map.of(),
                    layers,
                    volumes);
            VmSpec vmSpec = new VmSpec(
                    boot,
                    spec.get("vcpus").asInt(),
                    spec.get("memoryMib").asInt(),
                    spec.get("guestPort").asInt(),
                    Duration.ofMillis(spec.get("readyTimeoutMs").asLong()),
                    // Snapshots written before tenants were recorded belong to the default one.
                    spec.path("tenant").asText(VmSpec.DEFAULT_TENANT));
            SnapshotFiles files = new SnapshotFiles(
                    n.get("stateBytes").asLong(),
                    Long.parseUnsignedLong(n.get("stateCrc32c").asText(), 16));
            Optional<Path> memory = n.has("memoryFile")
                    ? Optional.of(directory.resolve(n.get("memoryFile").asText()))
                    : Optional.empty();
            Snapshot s = new Snapshot(
                    directory,
                    Snapshot.Kind.valueOf(n.get("kind").asText()),
                    vmSpec,
                    Accelerator.valueOf(n.get("accelerator").asText()),
                    files,
                    memory,
                    Instant.parse(n.get("createdAt").asText()));
            checkWhole(s);
            return s;
        } catch (VmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VmException("snapshot metadata is corrupt: " + meta + ": " + e);
        }
    }

    /** Cheap checks (sizes, presence); the stream's CRC32C is checked while it loads. */
    static void checkWhole(Snapshot s) {
        try {
            Path state = s.stateFile();
            if (!Files.isRegularFile(state)) {
                throw new VmException("snapshot is corrupt: missing " + state);
            }
            long size = Files.size(state);
            if (size != s.state().stateBytes()) {
                throw new VmException("snapshot is corrupt: " + state + " has " + size + " bytes, expected "
                        + s.state().stateBytes());
            }
            if (s.memoryFile().isPresent()) {
                Path mem = s.memoryFile().get();
                long expected = (long) s.spec().memoryMib() << 20;
                if (!Files.isRegularFile(mem) || Files.size(mem) != expected) {
                    throw new VmException(
                            "snapshot is corrupt: memory file " + mem + " missing or not " + expected + " bytes");
                }
            }
        } catch (IOException e) {
            throw new VmException("snapshot unreadable: " + e.getMessage(), e);
        }
    }

    /** Deletes a snapshot's directory; a missing one is fine. */
    static void delete(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (UncheckedIOException e) {
            throw new VmException(
                    "could not delete " + directory + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
