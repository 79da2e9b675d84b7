package dev.wisp.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wisp.runtime.BootSource;
import dev.wisp.runtime.VmSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a node writes beside each standby snapshot and warm template it leaves on disk, so that
 * the next node on the same state directory knows whose it is and whether it still fits the
 * service: written last (after the snapshot is whole), atomically.
 *
 * @param service    node service key
 * @param specDigest {@link #digest} of the VM it was taken from
 * @param instanceId the instance (or {@code template})
 * @param created    when the snapshot was written
 * @param startedAt  when the instance first started
 */
record StandbyManifest(String service, String specDigest, String instanceId, Instant created, Instant startedAt) {
    static final String FILE = "wisp-node.json";
    static final String TEMPLATE_ID = "template";
    private static final ObjectMapper JSON = new ObjectMapper();

    void write(Path directory) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", 1);
        n.put("service", service);
        n.put("specDigest", specDigest);
        n.put("instanceId", instanceId);
        n.put("created", created.toString());
        n.put("startedAt", startedAt.toString());
        Path tmp = directory.resolve(FILE + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), n);
            Files.move(
                    tmp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + directory.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The manifest in {@code directory}, or empty if there is none or it is unreadable. */
    static Optional<StandbyManifest> read(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return Optional.of(new StandbyManifest(
                    n.get("service").asText(),
                    n.get("specDigest").asText(),
                    n.get("instanceId").asText(),
                    Instant.parse(n.get("created").asText()),
                    Instant.parse(n.get("startedAt").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Identifies a VM's shape and boot files: equal digests restore into the same machine. Boot
     * files count by path, size and modification time (images are content-addressed; a kernel
     * replaced in place changes its size or time).
     */
    static String digest(VmSpec vm) {
        StringBuilder b = new StringBuilder();
        b.append("vcpus=")
                .append(vm.vcpus())
                .append('\n')
                .append("memoryMib=")
                .append(vm.memoryMib())
                .append('\n')
                .append("guestPort=")
                .append(vm.guestPort())
                .append('\n');
        file(b, "kernel", vm.boot().kernel());
        file(b, "initrd", vm.boot().initrd());
        vm.boot().disk().ifPresent(d -> file(b, "disk", d));
        vm.boot().layers().forEach(d -> file(b, "layer", d));
        vm.boot().cmdline().forEach(c -> b.append("cmdline=").append(c).append('\n'));
        // The runtime's own kernel parameters shape the running guest too (tsc=reliable keeps its
        // tickless idle): a template booted without one of them is not this machine. The host's TSC
        // rate is left out: it is read afresh at each start, and a restore keeps working across it.
        Stream.concat(BootSource.BASE_KERNEL_PARAMETERS.stream(), BootSource.WISP_KERNEL_PARAMETERS.stream())
                .filter(p -> !p.startsWith("tsc_early_khz="))
                .forEach(p -> b.append("guest=").append(p).append('\n'));
        // The env is part of what the app runs with, so of identity; only this digest of it is stored.
        new java.util.TreeMap<>(vm.boot().env())
                .forEach((k, v) -> b.append("env=")
                        .append(k)
                        .append('=')
                        .append(v.length())
                        .append(':')
                        .append(v)
                        .append('\n'));
        try {
            byte[] sha =
                    MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void file(StringBuilder b, String what, Path p) {
        b.append(what).append('=').append(p.toAbsolutePath().normalize());
        try {
            b.append(' ')
                    .append(Files.size(p))
                    .append(' ')
                    .append(Files.getLastModifiedTime(p).toMillis());
        } catch (IOException e) {
            b.append(" missing");
        }
        b.append('\n');
    }
}
