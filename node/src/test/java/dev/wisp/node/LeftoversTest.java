package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restarted node finds in its state directory, what a service claims and what is pruned. */
class LeftoversTest {
    @TempDir
    Path state;

    private Path snapshot(String service, String id, String digest) throws IOException {
        Path dir = state.resolve("standby").resolve(service).resolve(id);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("state.bin"), "x");
        if (digest != null) {
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            new StandbyManifest(service, digest, id, t, t).write(dir);
        }
        return dir;
    }

    private Path template(String service, String digest) throws IOException {
        Path dir = state.resolve("templates").resolve(service);
        Files.createDirectories(dir);
        Instant t = Instant.now();
        new StandbyManifest(service, digest, StandbyManifest.TEMPLATE_ID, t, t).write(dir);
        return dir;
    }

    @Test
    void manifest_roundTripsThroughItsFile() throws IOException {
        Path dir = snapshot("hello", "hello-3", "abc");
        StandbyManifest m = StandbyManifest.read(dir).orElseThrow();
        assertThat(m)
                .isEqualTo(new StandbyManifest(
                        "hello",
                        "abc",
                        "hello-3",
                        Instant.parse("2026-01-01T00:00:00Z"),
                        Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void claim_returnsMatchingSnapshotsAndDeletesStaleAndUnfinishedOnesAndOldTemplates() throws IOException {
        Path same = snapshot("hello", "hello-1", "v1");
        Path stale = snapshot("hello", "hello-2", "v0");
        Path unfinished = snapshot("hello", "hello-3", null);
        Path tpl = template("hello", "v1");

        Leftovers.Claim c = Leftovers.scan(state).claim("hello", "v1");

        assertThat(c.standby()).extracting(Leftovers.Entry::directory).containsExactly(same);
        assertThat(tpl)
                .as("per-service templates of older nodes are cleaned up")
                .doesNotExist();
        assertThat(stale).doesNotExist();
        assertThat(unfinished).doesNotExist();
        assertThat(same).exists();
    }

    @Test
    void prune_deletesWhatNoDeployedServiceClaimed() throws IOException {
        Path kept = snapshot("kept", "kept-1", "d");
        Path orphan = snapshot("gone", "gone-1", "d");
        Path orphanTemplate = template("gone", "d");
        Leftovers l = Leftovers.scan(state);
        l.claim("kept", "d");

        assertThat(l.prune()).isEqualTo(2);
        assertThat(orphan).doesNotExist();
        assertThat(orphanTemplate).doesNotExist();
        assertThat(kept).exists();
        assertThat(l.prune()).as("a second prune finds nothing").isZero();
    }

    @Test
    void changedVm_changesTheDigest(@TempDir Path files) throws IOException {
        Path k = Files.writeString(files.resolve("vmlinux"), "kernel");
        Path i = Files.writeString(files.resolve("initrd"), "init");
        var vm = dev.wisp.runtime.VmSpec.of(new dev.wisp.runtime.BootSource(k, i, null, java.util.List.of()), 8080);
        String d = StandbyManifest.digest(vm);
        assertThat(StandbyManifest.digest(vm)).isEqualTo(d);
        assertThat(StandbyManifest.digest(vm.withResources(1, 512))).isNotEqualTo(d);
        Files.writeString(i, "init, rebuilt");
        assertThat(StandbyManifest.digest(vm)).as("initrd rewritten in place").isNotEqualTo(d);
    }
}
